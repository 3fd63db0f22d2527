//! Route selection as API Gateway's HTTP API does it: the most specific route
//! wins, literal segments over `{param}` over `{proxy+}`, a named method over
//! `ANY`, and `$default` only when nothing else matches.

use std::{collections::BTreeMap, sync::Arc};

use anyhow::{Context as _, bail};
use percent_encoding::percent_decode_str;

use crate::template::{Function, Template};

/// What a matched route runs.
#[derive(Debug, Clone)]
pub struct Target {
    /// API Gateway's route key, e.g. `GET /admin/customers/{customer_id}`.
    pub route_key: String,
    /// The route skips the JWT authorizer.
    pub public: bool,
    /// The function behind the route.
    pub function: Arc<Function>,
}

/// A route that matched a request, with the values of its path variables.
#[derive(Debug)]
pub struct Match<'a> {
    /// The route's target.
    pub target: &'a Target,
    /// `{name}` → the decoded segment; `{proxy+}` → the rest of the path.
    pub path_parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Greedy(String),
}

impl Segment {
    fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 0,
            Segment::Param(_) => 1,
            Segment::Greedy(_) => 2,
        }
    }
}

#[derive(Debug)]
struct Entry {
    method: Option<String>,
    pattern: Option<Vec<Segment>>,
    target: Target,
}

/// Every route of the API, ready to match requests.
#[derive(Debug, Default)]
pub struct RouteTable {
    entries: Vec<Entry>,
}

impl RouteTable {
    /// Compiles the routes of every function of the template.
    pub fn from_template(template: &Template) -> anyhow::Result<Self> {
        let mut entries = Vec::new();
        for function in &template.functions {
            let function = Arc::new(function.clone());
            for route in &function.routes {
                let pattern = route
                    .path
                    .as_deref()
                    .map(parse_pattern)
                    .transpose()
                    .with_context(|| format!("in the route {}", route.key()))?;
                entries.push(Entry {
                    method: (route.method != "ANY" && pattern.is_some())
                        .then(|| route.method.clone()),
                    pattern,
                    target: Target {
                        route_key: route.key(),
                        public: route.public,
                        function: Arc::clone(&function),
                    },
                });
            }
        }
        Ok(Self { entries })
    }

    /// Every route's target, in template order.
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        self.entries.iter().map(|entry| &entry.target)
    }

    /// The most specific route for `method` and the raw request `path`.
    pub fn find(&self, method: &str, path: &str) -> Option<Match<'_>> {
        let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
        self.entries
            .iter()
            .filter(|entry| entry.method.as_deref().is_none_or(|m| m == method))
            .filter_map(|entry| {
                let Some(pattern) = &entry.pattern else {
                    return Some(((vec![u8::MAX], 1), entry, BTreeMap::new()));
                };
                let parameters = match_pattern(pattern, &segments)?;
                let specificity: Vec<u8> = pattern.iter().map(Segment::rank).collect();
                Some((
                    (specificity, u8::from(entry.method.is_none())),
                    entry,
                    parameters,
                ))
            })
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, entry, path_parameters)| Match {
                target: &entry.target,
                path_parameters,
            })
    }
}

fn parse_pattern(path: &str) -> anyhow::Result<Vec<Segment>> {
    let raw: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut segments = Vec::with_capacity(raw.len());
    for (index, segment) in raw.iter().enumerate() {
        let variable = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        segments.push(match variable {
            Some(name) if name.ends_with('+') => {
                if index + 1 != raw.len() {
                    bail!("a greedy variable must be the last segment");
                }
                Segment::Greedy(name.trim_end_matches('+').to_owned())
            }
            Some(name) if !name.is_empty() && !name.contains(['{', '}']) => {
                Segment::Param(name.to_owned())
            }
            None if !segment.contains(['{', '}']) => Segment::Literal((*segment).to_owned()),
            _ => bail!("the segment {segment:?} is not a literal, {{name}} or {{name+}}"),
        });
    }
    Ok(segments)
}

fn match_pattern(pattern: &[Segment], segments: &[&str]) -> Option<BTreeMap<String, String>> {
    let mut parameters = BTreeMap::new();
    for (index, expected) in pattern.iter().enumerate() {
        match expected {
            Segment::Greedy(name) => {
                let rest = segments.get(index..)?.join("/");
                if rest.is_empty() {
                    return None;
                }
                parameters.insert(name.clone(), decode(&rest));
                return Some(parameters);
            }
            Segment::Literal(literal) => {
                if decode(segments.get(index)?) != *literal {
                    return None;
                }
            }
            Segment::Param(name) => {
                let value = segments.get(index).filter(|s| !s.is_empty())?;
                parameters.insert(name.clone(), decode(value));
            }
        }
    }
    (pattern.len() == segments.len()).then_some(parameters)
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::template::Route;

    fn table(routes: &[(&str, Option<&str>)]) -> RouteTable {
        let function = Function {
            logical_id: "TestFunction".into(),
            binary: "test".into(),
            timeout: Duration::from_secs(3),
            memory_mb: 128,
            sends_email: false,
            routes: routes
                .iter()
                .enumerate()
                .map(|(i, (method, path))| Route {
                    name: format!("Route{i}"),
                    method: (*method).to_owned(),
                    path: path.map(str::to_owned),
                    public: false,
                })
                .collect(),
        };
        RouteTable::from_template(&Template {
            functions: vec![function],
            ..Template::default()
        })
        .unwrap()
    }

    /// Asserts that each `(method, path, route key)` request is routed to that route.
    fn assert_routed(table: &RouteTable, requests: &[(&str, &str, &str)]) {
        for (method, path, key) in requests {
            let routed = table
                .find(method, path)
                .map(|m| m.target.route_key.as_str());
            assert_eq!(routed, Some(*key), "{method} {path}");
        }
    }

    #[test]
    fn a_literal_segment_beats_a_variable() {
        let table = table(&[
            ("POST", Some("/admin/customers/{customer_id}")),
            ("POST", Some("/admin/customers/tags")),
        ]);

        assert_routed(
            &table,
            &[
                (
                    "POST",
                    "/admin/customers/tags",
                    "POST /admin/customers/tags",
                ),
                (
                    "POST",
                    "/admin/customers/c-1",
                    "POST /admin/customers/{customer_id}",
                ),
            ],
        );
    }

    #[test]
    fn a_variable_beats_a_greedy_variable() {
        let table = table(&[
            ("GET", Some("/files/{proxy+}")),
            ("GET", Some("/files/{name}")),
        ]);

        let single = table.find("GET", "/files/a.txt").unwrap();
        let nested = table.find("GET", "/files/a/b%20c.txt").unwrap();

        assert_eq!(single.target.route_key, "GET /files/{name}");
        assert_eq!(single.path_parameters["name"], "a.txt");
        assert_eq!(nested.target.route_key, "GET /files/{proxy+}");
        assert_eq!(nested.path_parameters["proxy"], "a/b c.txt");
    }

    #[test]
    fn path_variables_are_captured_and_decoded() {
        let table = table(&[("GET", Some("/a/{x}/b/{y}"))]);

        let matched = table.find("GET", "/a/one/b/t%C3%A9").unwrap();

        assert_eq!(matched.path_parameters.len(), 2);
        assert_eq!(matched.path_parameters["x"], "one");
        assert_eq!(matched.path_parameters["y"], "té");
    }

    #[test]
    fn a_named_method_beats_any_and_any_takes_every_method() {
        let table = table(&[("ANY", Some("/orders")), ("GET", Some("/orders"))]);

        assert_routed(
            &table,
            &[
                ("GET", "/orders", "GET /orders"),
                ("DELETE", "/orders", "ANY /orders"),
            ],
        );
    }

    #[test]
    fn a_method_mismatch_matches_nothing() {
        let table = table(&[("POST", Some("/admin/customers"))]);

        assert!(table.find("GET", "/admin/customers").is_none());
    }

    #[test]
    fn unknown_paths_empty_variables_and_trailing_slashes_match_nothing() {
        let table = table(&[
            ("GET", Some("/admin/customers/{customer_id}")),
            ("GET", Some("/files/{proxy+}")),
        ]);

        assert!(table.find("GET", "/nowhere").is_none());
        assert!(table.find("GET", "/admin/customers/").is_none());
        assert!(table.find("GET", "/admin/customers/c-1/extra").is_none());
        assert!(table.find("GET", "/files").is_none());
        assert!(table.find("GET", "/files/").is_none());
    }

    #[test]
    fn the_default_route_catches_what_nothing_else_matches() {
        let table = table(&[("", None), ("GET", Some("/me"))]);

        assert_routed(
            &table,
            &[("GET", "/me", "GET /me"), ("PUT", "/x/y", "$default")],
        );
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for path in ["/a/{proxy+}/b", "/a/{}", "/a/b{c}"] {
            let function = Function {
                logical_id: "F".into(),
                binary: "f".into(),
                timeout: Duration::from_secs(3),
                memory_mb: 128,
                sends_email: false,
                routes: vec![Route {
                    name: "R".into(),
                    method: "GET".into(),
                    path: Some(path.into()),
                    public: false,
                }],
            };
            let template = Template {
                functions: vec![function],
                ..Template::default()
            };
            assert!(RouteTable::from_template(&template).is_err(), "{path}");
        }
    }
}
