//! The requests that provisioning sends to create the template's stateful resources, in the
//! shape of each API call's parameters (PascalCase, as boto3 and the AWS CLI take them), short
//! of the names the caller chooses: the table's and the pool's names, the pool's id.
//! `orderdesk-local describe-template` prints a [`Provisioning`] as JSON.
//!
//! Keys come in a fixed order and settings passed on as written keep the template's: with
//! `MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH` moto makes the pool's and the client's ids from
//! the requests as sent, so the same template gives the same ids on every start.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTable {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    /// `PROVISIONED` (CloudFormation's default) or `PAY_PER_REQUEST`.
    pub billing_mode: String,
    pub provisioned_throughput: Option<Throughput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub global_secondary_indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub local_secondary_indexes: Vec<Index>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Index {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
    pub provisioned_throughput: Option<Throughput>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    /// `ALL` (the default here), `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPool {
    /// Sign-in and verification settings passed on as written (`UsernameAttributes`, ...).
    #[serde(flatten)]
    pub settings: Settings,
    pub policies: Option<Policies>,
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_length: Option<i64>,
    pub require_lowercase: Option<bool>,
    pub require_uppercase: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_symbols: Option<bool>,
    pub temporary_password_validity_days: Option<i64>,
    pub password_history_size: Option<i64>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    pub allow_admin_create_user_only: Option<bool>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    pub name: String,
    pub attribute_data_type: Option<String>,
    pub developer_only_attribute: Option<bool>,
    pub mutable: Option<bool>,
    pub required: Option<bool>,
    /// `MinValue`/`MaxValue`, as strings as the API has them.
    pub number_attribute_constraints: Option<Constraints>,
    /// `MinLength`/`MaxLength`, as strings as the API has them.
    pub string_attribute_constraints: Option<Constraints>,
}

/// An attribute's bounds by name, each a string, e.g. `MaxLength` → `"64"`.
pub type Constraints = serde_yaml::Mapping;

/// A setting passed on as the template writes it (no intrinsic function in it).
pub type Plain = serde_yaml::Value;

/// Settings by their API names, in the order they were read.
pub type Settings = serde_yaml::Mapping;

/// `CreateUserPoolClient`: a public client (no secret) with the template's flows and tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClient {
    /// The template's, else `orderdesk`.
    pub client_name: String,
    pub generate_secret: bool,
    /// Auth flows, attributes, URLs, token validities and flags (`ExplicitAuthFlows`, ...).
    #[serde(flatten)]
    pub settings: Settings,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroup {
    pub group_name: String,
    pub description: Option<String>,
    pub precedence: Option<i64>,
}
