//! Reads the resources of `template.yaml` that hold state and must exist before anything runs:
//! the table, the user pool, its app client and its groups. They are read here, beside the
//! functions and routes, so that the template has one reader: the local stack's provisioning
//! (`local/stack/provision.py`) asks `orderdesk-local describe-template` for these requests
//! and sends them as they are.
//!
//! A setting written with an intrinsic function (`!Ref`, `!Sub`, ...) has no value before
//! deployment and is left out; numbers and booleans that CloudFormation accepts as strings
//! become numbers and booleans.

use std::path::Path;

use anyhow::{Context as _, anyhow, bail};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::provisioning::{
    AccountRecoverySetting, AdminCreateUserConfig, Constraints, CreateGroup, CreateTable,
    CreateUserPool, CreateUserPoolClient, Index, PasswordPolicy, Policies, Projection,
    Provisioning, RecoveryOption, SchemaAttribute, Settings, StreamSpecification, Throughput,
    TimeToLive, UpdateTimeToLive,
};

impl Provisioning {
    /// Reads the requests from the template at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Self::parse(&super::read(path)?)
            .with_context(|| format!("in the template {}", path.display()))
    }

    /// Reads the requests from a template's YAML text.
    pub fn parse(yaml: &str) -> anyhow::Result<Self> {
        Self::from_resources(super::resources_of(&super::document(yaml)?)?)
    }

    /// Reads the requests from a template's `Resources`.
    fn from_resources(resources: &Mapping) -> anyhow::Result<Self> {
        let table = the_resource(resources, "Table", "AWS::DynamoDB::Table")?;
        let pool = the_resource(resources, "UserPool", "AWS::Cognito::UserPool")?;
        let client = the_resource(resources, "UserPoolClient", "AWS::Cognito::UserPoolClient")?;
        let (create_table, update_time_to_live) =
            create_table(table).context("in the table's Properties")?;
        Ok(Self {
            create_table,
            update_time_to_live,
            create_user_pool: create_user_pool(pool).context("in the user pool's Properties")?,
            create_user_pool_client: create_user_pool_client(client)
                .context("in the user pool client's Properties")?,
            create_group: groups(resources)?,
        })
    }
}

/// The user pool's settings that moto honours as the template writes them.
const POOL_SETTINGS: [&str; 9] = [
    "UsernameAttributes",
    "AliasAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "VerificationMessageTemplate",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "UserAttributeUpdateSettings",
    "DeviceConfiguration",
];

/// The app client's settings passed on as the template writes them.
const CLIENT_SETTINGS: [&str; 10] = [
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "ReadAttributes",
    "WriteAttributes",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "TokenValidityUnits",
];

/// The app client's whole-number settings.
const CLIENT_COUNTS: [&str; 4] = [
    "IdTokenValidity",
    "AccessTokenValidity",
    "RefreshTokenValidity",
    "AuthSessionValidity",
];

/// The app client's flags.
const CLIENT_FLAGS: [&str; 3] = [
    "EnableTokenRevocation",
    "AllowedOAuthFlowsUserPoolClient",
    "EnablePropagateAdditionalUserContextData",
];

fn create_table(props: Props<'_>) -> anyhow::Result<(CreateTable, Option<UpdateTimeToLive>)> {
    let billing_mode = props
        .text("BillingMode")
        .unwrap_or("PROVISIONED")
        .to_owned();
    let provisioned = billing_mode == "PROVISIONED";
    let indexes = |key: &str, with_throughput: bool| -> anyhow::Result<Vec<Index>> {
        props
            .list(key)
            .map(|source| index(source, provisioned && with_throughput))
            .collect::<anyhow::Result<_>>()
            .with_context(|| format!("in {key}"))
    };
    let table = CreateTable {
        attribute_definitions: props.required("AttributeDefinitions")?,
        key_schema: props.required("KeySchema")?,
        provisioned_throughput: provisioned.then(|| throughput(props)).transpose()?,
        global_secondary_indexes: indexes("GlobalSecondaryIndexes", true)?,
        local_secondary_indexes: indexes("LocalSecondaryIndexes", false)?,
        stream_specification: props
            .nested("StreamSpecification")
            .and_then(|stream| stream.text("StreamViewType"))
            .map(|view| StreamSpecification {
                stream_enabled: true,
                stream_view_type: view.to_owned(),
            }),
        billing_mode,
    };
    let ttl = match props.nested("TimeToLiveSpecification") {
        Some(ttl) if ttl.flag("Enabled")?.unwrap_or(true) => ttl.text("AttributeName"),
        _ => None,
    };
    let update_time_to_live = ttl.map(|name| UpdateTimeToLive {
        time_to_live_specification: TimeToLive {
            attribute_name: name.to_owned(),
            enabled: true,
        },
    });
    Ok((table, update_time_to_live))
}

fn index(source: Props<'_>, with_throughput: bool) -> anyhow::Result<Index> {
    Ok(Index {
        index_name: source.required("IndexName")?,
        key_schema: source.required("KeySchema")?,
        projection: source.plain("Projection")?.unwrap_or(Projection {
            projection_type: "ALL".to_owned(),
            non_key_attributes: None,
        }),
        provisioned_throughput: with_throughput.then(|| throughput(source)).transpose()?,
    })
}

/// A provisioned table's or index's capacity; DynamoDB Local's default when none is given.
fn throughput(source: Props<'_>) -> anyhow::Result<Throughput> {
    let Some(given) = source.nested("ProvisionedThroughput") else {
        return Ok(Throughput::DEFAULT);
    };
    Ok(Throughput {
        read_capacity_units: given.required_count("ReadCapacityUnits")?,
        write_capacity_units: given.required_count("WriteCapacityUnits")?,
    })
}

fn create_user_pool(props: Props<'_>) -> anyhow::Result<CreateUserPool> {
    let password_policy = props
        .nested("Policies")
        .and_then(|policies| policies.nested("PasswordPolicy"));
    Ok(CreateUserPool {
        settings: props.settings(&POOL_SETTINGS, &[], &[])?,
        policies: password_policy
            .map(|policy| -> anyhow::Result<_> {
                Ok(Policies {
                    password_policy: PasswordPolicy {
                        minimum_length: policy.count("MinimumLength")?,
                        require_lowercase: policy.flag("RequireLowercase")?,
                        require_uppercase: policy.flag("RequireUppercase")?,
                        require_numbers: policy.flag("RequireNumbers")?,
                        require_symbols: policy.flag("RequireSymbols")?,
                        temporary_password_validity_days: policy
                            .count("TemporaryPasswordValidityDays")?,
                        password_history_size: policy.count("PasswordHistorySize")?,
                    },
                })
            })
            .transpose()?,
        admin_create_user_config: props
            .nested("AdminCreateUserConfig")
            .map(|config| -> anyhow::Result<_> {
                Ok(AdminCreateUserConfig {
                    allow_admin_create_user_only: config.flag("AllowAdminCreateUserOnly")?,
                    invite_message_template: config.plain("InviteMessageTemplate")?,
                })
            })
            .transpose()?,
        account_recovery_setting: props
            .nested("AccountRecoverySetting")
            .map(|setting| -> anyhow::Result<_> {
                let recovery_mechanisms = setting
                    .list("RecoveryMechanisms")
                    .map(|mechanism| {
                        Ok(RecoveryOption {
                            name: mechanism.required("Name")?,
                            priority: mechanism.required_count("Priority")?,
                        })
                    })
                    .collect::<anyhow::Result<_>>()?;
                Ok(AccountRecoverySetting {
                    recovery_mechanisms,
                })
            })
            .transpose()?,
        schema: props
            .list("Schema")
            .map(schema_attribute)
            .collect::<anyhow::Result<_>>()
            .context("in Schema")?,
    })
}

fn schema_attribute(attribute: Props<'_>) -> anyhow::Result<SchemaAttribute> {
    Ok(SchemaAttribute {
        name: attribute.required("Name")?,
        attribute_data_type: attribute.plain("AttributeDataType")?,
        developer_only_attribute: attribute.flag("DeveloperOnlyAttribute")?,
        mutable: attribute.flag("Mutable")?,
        required: attribute.flag("Required")?,
        number_attribute_constraints: attribute.constraints("NumberAttributeConstraints")?,
        string_attribute_constraints: attribute.constraints("StringAttributeConstraints")?,
    })
}

fn create_user_pool_client(props: Props<'_>) -> anyhow::Result<CreateUserPoolClient> {
    Ok(CreateUserPoolClient {
        client_name: props.text("ClientName").unwrap_or("orderdesk").to_owned(),
        generate_secret: false,
        settings: props.settings(&CLIENT_SETTINGS, &CLIENT_COUNTS, &CLIENT_FLAGS)?,
    })
}

/// Every `AWS::Cognito::UserPoolGroup` with a literal name.
fn groups(resources: &Mapping) -> anyhow::Result<Vec<CreateGroup>> {
    let mut groups = Vec::new();
    for (id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Cognito::UserPoolGroup") {
            continue;
        }
        let props = properties(resource);
        let Some(name) = props.text("GroupName") else {
            continue;
        };
        groups.push(CreateGroup {
            group_name: name.to_owned(),
            description: props.text("Description").map(str::to_owned),
            precedence: props
                .count("Precedence")
                .with_context(|| format!("in the group {}", id.as_str().unwrap_or("?")))?,
        });
    }
    Ok(groups)
}

/// The `Properties` of `logical_id` if it is of `kind`, else of the template's one resource
/// of `kind`.
fn the_resource<'a>(
    resources: &'a Mapping,
    logical_id: &str,
    kind: &str,
) -> anyhow::Result<Props<'a>> {
    let of_kind = |resource: &Value| resource.get("Type").and_then(Value::as_str) == Some(kind);
    let resource = match resources.get(logical_id) {
        Some(resource) if of_kind(resource) => resource,
        _ => {
            let mut found = resources.values().filter(|r| of_kind(r));
            match (found.next(), found.next()) {
                (Some(only), None) => only,
                _ => bail!("expected Resources.{logical_id} of type {kind}"),
            }
        }
    };
    Ok(properties(resource))
}

fn properties(resource: &Value) -> Props<'_> {
    static NONE: Value = Value::Null;
    Props(resource.get("Properties").unwrap_or(&NONE))
}

/// A resource's properties, or a part of them, read as CloudFormation would: a number or a
/// boolean may be written as a string.
#[derive(Clone, Copy)]
struct Props<'a>(&'a Value);

impl<'a> Props<'a> {
    /// The setting, unless it is absent or written with an intrinsic function.
    fn get(self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|value| !is_intrinsic(value))
    }

    fn text(self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    fn nested(self, key: &str) -> Option<Props<'a>> {
        self.get(key).filter(|v| v.is_mapping()).map(Props)
    }

    /// The entries of a list setting; none when it is absent.
    fn list(self, key: &str) -> impl Iterator<Item = Props<'a>> {
        self.get(key)
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .map(Props)
    }

    /// The setting as written, in the API's shape.
    fn plain<T: DeserializeOwned>(self, key: &str) -> anyhow::Result<Option<T>> {
        self.get(key)
            .map(|value| {
                serde_yaml::from_value(value.clone())
                    .with_context(|| format!("{key} is not in the shape the API takes"))
            })
            .transpose()
    }

    /// The settings named in `plain` as written, then those in `counts` and `flags` as numbers
    /// and booleans, each if the template sets it.
    fn settings(self, plain: &[&str], counts: &[&str], flags: &[&str]) -> anyhow::Result<Settings> {
        let mut settings = Settings::new();
        for &key in plain {
            if let Some(value) = self.get(key) {
                settings.insert(key.into(), value.clone());
            }
        }
        for &key in counts {
            if let Some(count) = self.count(key)? {
                settings.insert(key.into(), count.into());
            }
        }
        for &key in flags {
            if let Some(flag) = self.flag(key)? {
                settings.insert(key.into(), flag.into());
            }
        }
        Ok(settings)
    }

    fn required<T: DeserializeOwned>(self, key: &str) -> anyhow::Result<T> {
        self.plain(key)?.ok_or_else(|| anyhow!("no {key}"))
    }

    fn flag(self, key: &str) -> anyhow::Result<Option<bool>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let flag = match value {
            Value::Bool(flag) => Some(*flag),
            Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        };
        flag.map(Some)
            .ok_or_else(|| anyhow!("{key} is {value:?}, not true or false"))
    }

    fn count(self, key: &str) -> anyhow::Result<Option<i64>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let count = match value {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        count
            .map(Some)
            .ok_or_else(|| anyhow!("{key} is {value:?}, not a whole number"))
    }

    fn required_count(self, key: &str) -> anyhow::Result<i64> {
        self.count(key)?.ok_or_else(|| anyhow!("no {key}"))
    }

    /// An attribute's bounds, each as a string; none when absent or empty.
    fn constraints(self, key: &str) -> anyhow::Result<Option<Constraints>> {
        let Some(bounds) = self.get(key).and_then(Value::as_mapping) else {
            return Ok(None);
        };
        let bounds = bounds
            .iter()
            .map(|(name, bound)| {
                let bound = match bound {
                    Value::String(text) => text.clone(),
                    Value::Number(number) => number.to_string(),
                    _ => bail!("{key} has {bound:?}, not a number"),
                };
                Ok((name.clone(), Value::String(bound)))
            })
            .collect::<anyhow::Result<Constraints>>()?;
        Ok(Some(bounds).filter(|b| !b.is_empty()))
    }
}

/// Whether a value is, or holds, a CloudFormation intrinsic function (`!Ref`, `!Sub`, ...,
/// or their long forms `Ref:` and `Fn::...:`).
fn is_intrinsic(value: &Value) -> bool {
    match value {
        Value::Tagged(_) => true,
        Value::Mapping(mapping) => mapping.iter().any(|(key, value)| {
            let key = key.as_str().unwrap_or_default();
            (mapping.len() == 1 && (key == "Ref" || key == "Condition"))
                || key.starts_with("Fn::")
                || is_intrinsic(value)
        }),
        Value::Sequence(items) => items.iter().any(is_intrinsic),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
