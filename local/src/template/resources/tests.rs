//! The table, user pool, app client and groups as read from `template.yaml` and from small
//! templates with the settings the project's template does not use.

use serde_json::json;

use super::*;

fn project() -> Provisioning {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    Provisioning::load(&path).unwrap()
}

fn keys(schema: &[crate::template::provisioning::KeyElement]) -> Vec<(&str, &str)> {
    schema
        .iter()
        .map(|k| (k.attribute_name.as_str(), k.key_type.as_str()))
        .collect()
}

#[test]
fn the_project_table_is_on_demand_with_two_indexes_a_stream_and_a_ttl() {
    let table = project().create_table;

    assert_eq!(table.billing_mode, "PAY_PER_REQUEST");
    assert_eq!(table.provisioned_throughput, None);
    assert_eq!(keys(&table.key_schema), [("PK", "HASH"), ("SK", "RANGE")]);
    assert_eq!(table.attribute_definitions.len(), 6);
    let indexes: Vec<_> = table
        .global_secondary_indexes
        .iter()
        .map(|i| {
            (
                i.index_name.as_str(),
                keys(&i.key_schema),
                i.projection.projection_type.as_str(),
            )
        })
        .collect();
    assert_eq!(
        indexes,
        [
            ("GSI1", vec![("GSI1PK", "HASH"), ("GSI1SK", "RANGE")], "ALL"),
            ("GSI2", vec![("GSI2PK", "HASH"), ("GSI2SK", "RANGE")], "ALL"),
        ]
    );
    assert_eq!(
        table.stream_specification.map(|s| s.stream_view_type),
        Some("NEW_IMAGE".to_owned())
    );
    assert_eq!(
        project()
            .update_time_to_live
            .map(|t| t.time_to_live_specification),
        Some(TimeToLive {
            attribute_name: "ttl".to_owned(),
            enabled: true
        })
    );
}

#[test]
fn the_project_user_pool_signs_in_by_email_under_its_password_policy() {
    let pool = project().create_user_pool;

    assert_eq!(
        serde_json::to_value(&pool.settings).unwrap(),
        json!({
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "UsernameConfiguration": {"CaseSensitive": false},
        })
    );
    assert_eq!(
        pool.policies.map(|p| p.password_policy),
        Some(PasswordPolicy {
            minimum_length: Some(10),
            require_lowercase: Some(true),
            require_uppercase: Some(true),
            require_numbers: Some(true),
            require_symbols: Some(false),
            temporary_password_validity_days: Some(7),
            password_history_size: None,
        })
    );
    assert_eq!(
        pool.admin_create_user_config
            .and_then(|c| c.allow_admin_create_user_only),
        Some(true)
    );
    assert_eq!(
        pool.account_recovery_setting.map(|s| s.recovery_mechanisms),
        Some(vec![RecoveryOption {
            name: "verified_email".to_owned(),
            priority: 1
        }])
    );
}

#[test]
fn the_project_user_pool_has_the_immutable_id_attributes_the_api_reads() {
    let schema = project().create_user_pool.schema;

    let attribute = |name: &str| schema.iter().find(|a| a.name == name).unwrap().clone();
    assert_eq!(attribute("email").required, Some(true));
    let login_id = attribute("login_id");
    assert_eq!(login_id.mutable, Some(false));
    assert_eq!(
        serde_json::to_string(&login_id.string_attribute_constraints).unwrap(),
        r#"{"MinLength":"1","MaxLength":"64"}"#
    );
    assert_eq!(attribute("customer_id").mutable, Some(false));
    assert_eq!(attribute("tier_id").mutable, Some(true));
}

#[test]
fn the_project_app_client_signs_in_with_a_password_and_no_secret() {
    let client = project().create_user_pool_client;

    assert_eq!(client.client_name, "orderdesk-console");
    assert!(!client.generate_secret);
    let settings = serde_json::to_value(&client.settings).unwrap();
    let flows = settings["ExplicitAuthFlows"].as_array().unwrap();
    assert!(flows.contains(&json!("ALLOW_USER_PASSWORD_AUTH")));
    assert_eq!(settings["IdTokenValidity"], 60);
    assert_eq!(settings["TokenValidityUnits"]["IdToken"], "minutes");
    assert_eq!(settings["RefreshTokenValidity"], 30);
    assert_eq!(settings["EnableTokenRevocation"], true);
}

#[test]
fn the_requests_keep_the_template_key_order_from_which_moto_hashes_the_pool_and_client_ids() {
    let provisioning = project();

    let client = serde_json::to_string(&provisioning.create_user_pool_client).unwrap();
    let pool = serde_json::to_string(&provisioning.create_user_pool).unwrap();

    assert!(
        client.contains(r#""TokenValidityUnits":{"IdToken":"minutes","AccessToken":"minutes","RefreshToken":"days"}"#),
        "{client}"
    );
    assert!(
        pool.starts_with(r#"{"UsernameAttributes":["email"],"AutoVerifiedAttributes":["email"],"UsernameConfiguration":"#),
        "{pool}"
    );
    assert!(
        pool.contains(r#""PasswordPolicy":{"MinimumLength":10,"RequireLowercase":true,"#),
        "{pool}"
    );
}

#[test]
fn the_project_groups_are_admins_customers_and_api_clients() {
    let groups: Vec<_> = project()
        .create_group
        .into_iter()
        .map(|g| g.group_name)
        .collect();

    assert_eq!(groups, ["admins", "customers", "api-clients"]);
}

const PROVISIONED: &str = r#"
Resources:
  Store:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }, { AttributeName: at, AttributeType: N }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      ProvisionedThroughput: { ReadCapacityUnits: "2", WriteCapacityUnits: 3 }
      GlobalSecondaryIndexes:
        - IndexName: ByTime
          KeySchema: [{ AttributeName: at, KeyType: HASH }]
          Projection: { ProjectionType: INCLUDE, NonKeyAttributes: [id] }
      TimeToLiveSpecification: { AttributeName: expires, Enabled: "false" }
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub ${AWS::StackName}-users
      EmailVerificationMessage: !Sub "Your code for ${AWS::StackName} is {####}"
      Policies: { PasswordPolicy: { MinimumLength: "12", RequireSymbols: "True" } }
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      CallbackURLs: [https://example.com/callback]
      AllowedOAuthFlowsUserPoolClient: "true"
      LogoutURLs: [!Sub "https://${Domain}/"]
  Named:
    Type: AWS::Cognito::UserPoolGroup
    Properties: { UserPoolId: !Ref Pool, GroupName: staff, Precedence: "1" }
  Unnamed:
    Type: AWS::Cognito::UserPoolGroup
    Properties: { UserPoolId: !Ref Pool, GroupName: !Ref Name }
"#;

#[test]
fn a_provisioned_table_gets_capacity_on_the_table_and_on_each_index() {
    let table = Provisioning::parse(PROVISIONED).unwrap().create_table;

    assert_eq!(table.billing_mode, "PROVISIONED");
    assert_eq!(
        table.provisioned_throughput,
        Some(Throughput {
            read_capacity_units: 2,
            write_capacity_units: 3
        })
    );
    let index = &table.global_secondary_indexes[0];
    assert_eq!(index.provisioned_throughput, Some(Throughput::DEFAULT));
    assert_eq!(
        index.projection.non_key_attributes,
        Some(vec!["id".to_owned()])
    );
}

#[test]
fn settings_written_with_intrinsic_functions_are_left_out() {
    let provisioning = Provisioning::parse(PROVISIONED).unwrap();

    let pool = &provisioning.create_user_pool.settings;
    assert!(!pool.contains_key("EmailVerificationMessage"), "{pool:?}");
    let client = &provisioning.create_user_pool_client.settings;
    assert!(!client.contains_key("LogoutURLs"), "{client:?}");
    let groups: Vec<_> = provisioning
        .create_group
        .iter()
        .map(|g| (g.group_name.as_str(), g.precedence))
        .collect();
    assert_eq!(groups, [("staff", Some(1))]);
}

#[test]
fn the_requests_are_json_in_the_api_parameters_shape() {
    let json = serde_json::to_value(Provisioning::parse(PROVISIONED).unwrap()).unwrap();

    assert_eq!(json["UpdateTimeToLive"], json!(null));
    assert_eq!(
        json["CreateTable"]["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 2, "WriteCapacityUnits": 3})
    );
    assert_eq!(
        json["CreateUserPool"],
        json!({"Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": true}}})
    );
    assert_eq!(
        json["CreateUserPoolClient"],
        json!({
            "ClientName": "orderdesk",
            "GenerateSecret": false,
            "CallbackURLs": ["https://example.com/callback"],
            "AllowedOAuthFlowsUserPoolClient": true,
        })
    );
    assert_eq!(
        json["CreateGroup"],
        json!([{"GroupName": "staff", "Precedence": 1}])
    );
}

/// Why `PROVISIONED`, with `from` replaced by `to`, is refused.
fn refusal(from: &str, to: &str) -> String {
    let yaml = PROVISIONED.replace(from, to);
    format!("{:#}", Provisioning::parse(&yaml).unwrap_err())
}

#[test]
fn a_table_without_a_key_schema_is_refused() {
    let key_schema = "      KeySchema: [{ AttributeName: id, KeyType: HASH }]\n";

    let error = refusal(key_schema, "");

    assert!(error.contains("no KeySchema"), "{error}");
}

#[test]
fn a_template_with_two_tables_and_none_named_table_is_refused() {
    let other = "  Other:\n    Type: AWS::DynamoDB::Table\n  Pool:\n";

    let error = refusal("  Pool:\n", other);

    assert!(error.contains("Resources.Table of type"), "{error}");
}
