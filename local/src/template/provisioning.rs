//! The requests that provisioning sends to create the template's stateful resources, in the
//! shape of each API call's parameters (PascalCase, as boto3 and the AWS CLI take them), short
//! of the names the caller chooses: the table's and the pool's names, the pool's id.
//! `orderdesk-local describe-template` prints a [`Provisioning`] as JSON.
//!
//! Every map keeps the template's key order: with `MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH`
//! moto makes the pool's and the client's ids from the requests as sent, so the same template
//! gives the same ids on every start.

use serde::{Deserialize, Serialize};

/// What provisioning needs of the template, by API operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Provisioning {
    /// `dynamodb.CreateTable` without `TableName`.
    pub create_table: CreateTable,
    /// `dynamodb.UpdateTimeToLive` without `TableName`, when the table has a TTL attribute.
    pub update_time_to_live: Option<UpdateTimeToLive>,
    /// `cognito-idp.CreateUserPool` without `PoolName`.
    pub create_user_pool: CreateUserPool,
    /// `cognito-idp.CreateUserPoolClient` without `UserPoolId`.
    pub create_user_pool_client: CreateUserPoolClient,
    /// One `cognito-idp.CreateGroup` without `UserPoolId` per group, in template order.
    pub create_group: Vec<CreateGroup>,
}

/// `CreateTable`: keys, attributes, indexes, billing and stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTable {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    /// `PROVISIONED` (CloudFormation's default) or `PAY_PER_REQUEST`.
    pub billing_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_throughput: Option<Throughput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub global_secondary_indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub local_secondary_indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_specification: Option<StreamSpecification>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Throughput {
    pub read_capacity_units: i64,
    pub write_capacity_units: i64,
}

impl Throughput {
    /// What DynamoDB Local gets for a provisioned table or index that names no capacity.
    pub const DEFAULT: Self = Self {
        read_capacity_units: 5,
        write_capacity_units: 5,
    };
}

/// A global or local secondary index.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Index {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_throughput: Option<Throughput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    /// `ALL` (the default here), `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_key_attributes: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSpecification {
    pub stream_enabled: bool,
    /// e.g. `NEW_IMAGE`.
    pub stream_view_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTimeToLive {
    pub time_to_live_specification: TimeToLive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    pub attribute_name: String,
    pub enabled: bool,
}

/// `CreateUserPool`: the settings moto honours.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPool {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_verified_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_configuration: Option<Plain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_message_template: Option<Plain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_attribute_update_settings: Option<Plain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_configuration: Option<Plain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Policies>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema: Vec<SchemaAttribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policies {
    pub password_policy: PasswordPolicy,
}

/// The pool's password rules; the local stack also makes its passwords by them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_lowercase: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_uppercase: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_numbers: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_symbols: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password_validity_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_history_size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_admin_create_user_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_message_template: Option<Plain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    pub name: String,
    pub priority: i64,
}

/// A standard or custom attribute; a custom one is named without `custom:`, which Cognito adds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_data_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_only_attribute: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// `MinValue`/`MaxValue`, as strings as the API has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_attribute_constraints: Option<Constraints>,
    /// `MinLength`/`MaxLength`, as strings as the API has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_attribute_constraints: Option<Constraints>,
}

/// An attribute's bounds by name, each a string, e.g. `MaxLength` → `"64"`.
pub type Constraints = serde_yaml::Mapping;

/// A setting passed on as the template writes it (no intrinsic function in it).
pub type Plain = serde_yaml::Value;

/// `CreateUserPoolClient`: a public client (no secret) with the template's flows and tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClient {
    /// The template's, else `orderdesk`.
    pub client_name: String,
    pub generate_secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit_auth_flows: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prevent_user_existence_errors: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_identity_providers: Option<Vec<String>>,
    #[serde(rename = "CallbackURLs", skip_serializing_if = "Option::is_none")]
    pub callback_urls: Option<Vec<String>>,
    #[serde(rename = "LogoutURLs", skip_serializing_if = "Option::is_none")]
    pub logout_urls: Option<Vec<String>>,
    #[serde(rename = "AllowedOAuthFlows", skip_serializing_if = "Option::is_none")]
    pub allowed_oauth_flows: Option<Vec<String>>,
    #[serde(rename = "AllowedOAuthScopes", skip_serializing_if = "Option::is_none")]
    pub allowed_oauth_scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_validity_units: Option<Plain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_session_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_token_revocation: Option<bool>,
    #[serde(
        rename = "AllowedOAuthFlowsUserPoolClient",
        skip_serializing_if = "Option::is_none"
    )]
    pub allowed_oauth_flows_user_pool_client: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_propagate_additional_user_context_data: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroup {
    pub group_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i64>,
}
