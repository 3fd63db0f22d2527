//! Which functions send email: the pumps ask the development mailbox to look at moto's store
//! only after one of them ran.

use serde_yaml::Value;

/// Whether `ses:SendEmail` is among the actions of the function's inline policies or of the
/// role it names (`Role: !GetAtt X.Arn`).
pub(super) fn sends_email(resource: &Value, resources: &serde_yaml::Mapping) -> bool {
    fn mentions(v: &Value) -> bool {
        match v {
            Value::String(s) => s == "ses:SendEmail",
            Value::Sequence(items) => items.iter().any(mentions),
            Value::Mapping(m) => m.values().any(mentions),
            Value::Tagged(t) => mentions(&t.value),
            _ => false,
        }
    }
    let properties = resource.get("Properties");
    let role = properties
        .and_then(|p| p.get("Role"))
        .and_then(|r| match r {
            Value::Tagged(t) => t.value.as_str().map(str::to_owned),
            other => other
                .get("Fn::GetAtt")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
        .and_then(|target| target.split('.').next().map(str::to_owned))
        .and_then(|id| resources.get(id.as_str()));
    properties
        .and_then(|p| p.get("Policies"))
        .is_some_and(mentions)
        || role.and_then(|r| r.get("Properties")).is_some_and(mentions)
}

#[cfg(test)]
mod tests {
    use super::super::Template;
    use std::path::Path;

    #[test]
    fn the_functions_that_send_email_are_known_by_their_policies_or_their_roles() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let template = Template::load(&path).unwrap();

        let sending: Vec<&str> = template
            .functions
            .iter()
            .filter(|f| f.sends_email)
            .map(|f| f.binary.as_str())
            .collect();

        assert_eq!(sending, ["notifier", "housekeeping"]);
    }
}
