// Cognito user pool sign-in, straight from the browser to the pool's own API (no SDK):
// InitiateAuth with USER_PASSWORD_AUTH, the NEW_PASSWORD_REQUIRED challenge, and
// REFRESH_TOKEN_AUTH. Locally the endpoint is moto's.

import { config } from './config.js';

/** A refusal from Cognito, with a sentence for the person at the keyboard. */
export class CognitoError extends Error {
  constructor(type, message) {
    super(humanCognitoMessage(type, message));
    this.name = 'CognitoError';
    this.type = type;
    this.raw = message;
  }
}

function humanCognitoMessage(type, message = '') {
  switch (type) {
    case 'NotAuthorizedException':
      // Cognito says "disabled" for a login disabled or deleted alike (its user is only
      // disabled), so the sentence covers both and does not promise that enabling it helps.
      if (/disabled/i.test(message)) return 'This login is turned off: the seller has disabled or deleted it. If you still order for your company, ask the seller to turn it on again or to add a login for you.';
      if (/attempts exceeded/i.test(message)) return 'Too many wrong passwords. Wait a few minutes and try again.';
      if (/refresh token/i.test(message)) return 'Your session has expired. Please sign in again.';
      if (/session is expired|invalid session/i.test(message)) return 'This sign-in took too long. Please start again.';
      return 'The email address or password is not right.';
    case 'UserNotFoundException':
      return 'The email address or password is not right.';
    case 'InvalidPasswordException':
      return 'This password is not allowed: use at least 10 characters with an upper-case letter, a lower-case letter and a digit.';
    case 'PasswordResetRequiredException':
      return 'Your password must be reset. Ask the seller to send you a new link.';
    case 'UserNotConfirmedException':
      return 'This login is not activated yet. Use the link in your invitation email.';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return 'Too many attempts. Wait a minute and try again.';
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      return 'This sign-in took too long. Please start again.';
    case 'InvalidParameterException':
      return message || 'Some of the details are not valid.';
    case 'NetworkError':
      return 'The sign-in service cannot be reached. Check your connection and try again.';
    default:
      return 'Signing in failed. Please try again in a moment.';
  }
}

async function call(action, body) {
  let response;
  try {
    response = await fetch(config().cognitoUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError('NetworkError');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    // `__type` may be namespaced: "com.amazonaws…#NotAuthorizedException".
    const type = String(data.__type || data.code || '').split('#').pop();
    throw new CognitoError(type, data.message || data.Message);
  }
  return data;
}

function tokens(result, refreshToken) {
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || refreshToken,
  };
}

/**
 * Signs in with an email and password. Resolves to `{ tokens }`, or to
 * `{ challenge: 'NEW_PASSWORD_REQUIRED', session }` when a temporary password must be replaced.
 */
export async function signIn(email, password) {
  const data = await call('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config().clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  if (data.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
    return { challenge: data.ChallengeName, session: data.Session };
  }
  if (data.ChallengeName) {
    throw new CognitoError('Unsupported', `unsupported challenge ${data.ChallengeName}`);
  }
  return { tokens: tokens(data.AuthenticationResult) };
}

/** Answers NEW_PASSWORD_REQUIRED with the password the person chose. */
export async function completeNewPassword(email, session, newPassword) {
  const data = await call('RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: config().clientId,
    Session: session,
    ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
  });
  if (!data.AuthenticationResult) throw new CognitoError('Unsupported', data.ChallengeName);
  return { tokens: tokens(data.AuthenticationResult) };
}

/** New ID and access tokens for a refresh token (which Cognito does not rotate). */
export async function refresh(refreshToken) {
  const data = await call('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: config().clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
  return tokens(data.AuthenticationResult, refreshToken);
}

/** Revokes the refresh token; best effort (signing out locally does not wait for it). */
export async function revoke(refreshToken) {
  try {
    await call('RevokeToken', { ClientId: config().clientId, Token: refreshToken });
  } catch {
    // Signing out must work offline too; the token expires on its own.
  }
}
