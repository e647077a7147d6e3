//! Who may call each route: the README's API table, the OpenAPI document's `x-antri-principals`
//! and the server itself must say the same. The test walks the router's own route table (every
//! method and path) as every kind of caller — no credentials, each device kind, each role, an
//! officer of the loket in the path and one of another loket — and compares what the server allows
//! with what both documents say. A route added without documentation, a document that promises
//! what the server refuses, or a guard that lets the wrong caller through all fail here.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use antri_wire::{Category, DeviceKind};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use ticket_server::config::Config;

/// The kinds of caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Nobody,
    Kiosk,
    Display,
    Rating,
    /// An officer assigned to loket 1, the loket every `{n}` of the walk names.
    OfficerOfLoket,
    /// An officer of other lokets only.
    OtherOfficer,
    Supervisor,
    Admin,
}

const EVERYONE: [Who; 8] = [
    Who::Nobody,
    Who::Kiosk,
    Who::Display,
    Who::Rating,
    Who::OfficerOfLoket,
    Who::OtherOfficer,
    Who::Supervisor,
    Who::Admin,
];

/// The callers one word of the documents names.
fn named(word: &str) -> Vec<Who> {
    match word {
        "anyone" => EVERYONE.to_vec(),
        "devices" => vec![Who::Kiosk, Who::Display, Who::Rating],
        "users" => vec![
            Who::OfficerOfLoket,
            Who::OtherOfficer,
            Who::Supervisor,
            Who::Admin,
        ],
        "kiosk" => vec![Who::Kiosk],
        "display" => vec![Who::Display],
        "rating" => vec![Who::Rating],
        "officer" => vec![Who::OfficerOfLoket, Who::OtherOfficer],
        "officer of loket n" => vec![Who::OfficerOfLoket],
        "supervisor" => vec![Who::Supervisor],
        "admin" => vec![Who::Admin],
        other => panic!("\"{other}\" is not a word of the access table"),
    }
}

fn allowed<'a>(words: impl IntoIterator<Item = &'a str>) -> BTreeSet<Who> {
    words.into_iter().flat_map(named).collect()
}

type Access = BTreeMap<(String, String), BTreeSet<Who>>;

/// The README's API table: `| \`METHOD /path\` | who (remark) | what |`.
fn readme_table() -> Access {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md beside the workspace");
    let section = readme
        .split("## HTTP API")
        .nth(1)
        .expect("the README has an HTTP API section");
    let section = section.split("\n## ").next().unwrap();
    let mut table = Access::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let route = cells[0].trim_start_matches("| ").trim_matches('`');
        let (method, path) = route
            .split_once(' ')
            .unwrap_or_else(|| panic!("README row without METHOD /path: {line}"));
        // A remark in parentheses says more; it does not change who.
        let who: String = cells[1]
            .split('(')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once(')').map_or("", |p| p.1)
                }
            })
            .collect();
        let words = who.split(',').map(str::trim).filter(|w| !w.is_empty());
        let previous = table.insert((method.into(), path.into()), allowed(words));
        assert!(previous.is_none(), "README lists {route} twice");
    }
    table
}

/// The OpenAPI document's `x-antri-principals` of every operation.
fn openapi_table(doc: &Value) -> Access {
    let mut table = Access::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let words = op["x-antri-principals"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path}: no x-antri-principals"));
            let who = allowed(words.iter().map(|w| w.as_str().unwrap()));
            // No security requirement (none at the top level either) means anyone may call.
            let security = op["security"].as_array().cloned().unwrap_or_default();
            assert_eq!(
                security.is_empty(),
                who.contains(&Who::Nobody),
                "{method} {path}: the security requirement says otherwise than x-antri-principals"
            );
            table.insert((method.to_uppercase(), path.clone()), who);
        }
    }
    table
}

/// A request the route would accept from the right caller: path parameters filled in, the
/// required query parameters and the example body of the OpenAPI document.
fn request_for(doc: &Value, method: &str, path: &str, code: &str) -> (String, Option<Value>) {
    let concrete = concrete_path(path, code);
    let op = &doc["paths"][path][method.to_lowercase()];
    let query: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let value = match (p["schema"]["format"].as_str(), &p["schema"]["enum"]) {
                (Some("date"), _) => TUESDAY_MORNING[..10].to_string(),
                (_, Value::Array(values)) => values[0].as_str().unwrap().to_string(),
                _ => "1".to_string(),
            };
            format!("{}={value}", p["name"].as_str().unwrap())
        })
        .collect();
    let url = if query.is_empty() {
        concrete
    } else {
        format!("{concrete}?{}", query.join("&"))
    };
    let body = op["requestBody"]["content"]["application/json"]["example"].clone();
    (url, (!body.is_null()).then_some(body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_openapi_and_server_agree_on_who_may_call_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let http = reqwest::Client::new();
    let config = Config::example();
    let device = |kind: DeviceKind| {
        config
            .devices
            .iter()
            .find(|d| d.kind == kind)
            .unwrap()
            .token
            .clone()
    };
    let anonymous = server.client(None);
    let login = |name: &'static str| {
        let anonymous = &anonymous;
        async move { officer(anonymous, name).await.token().unwrap().to_string() }
    };
    assert!(config.user("petugas1").unwrap().counters.contains(&1));
    assert!(!config.user("petugas2").unwrap().counters.contains(&1));
    let tokens: BTreeMap<Who, Option<String>> = BTreeMap::from([
        (Who::Nobody, None),
        (Who::Kiosk, Some(device(DeviceKind::Kiosk))),
        (Who::Display, Some(device(DeviceKind::Display))),
        (Who::Rating, Some(device(DeviceKind::Rating))),
        (Who::OfficerOfLoket, Some(login("petugas1").await)),
        (Who::OtherOfficer, Some(login("petugas2").await)),
        (Who::Supervisor, Some(login("supervisor").await)),
        (Who::Admin, Some(login("admin").await)),
    ]);
    let code = server
        .client(tokens[&Who::Kiosk].as_deref())
        .issue("ktp", Category::Regular)
        .await
        .unwrap()
        .tracking_code;

    let doc: Value = http
        .get(format!("{url}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let readme = readme_table();
    let openapi = openapi_table(&doc);
    let mut routes: Vec<(String, String)> = ticket_server::api::router::routes()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_string(), p.to_string()))
        .collect();
    let routed: BTreeSet<&(String, String)> = routes.iter().collect();
    assert_eq!(
        readme.keys().collect::<BTreeSet<_>>(),
        routed,
        "the README's table lists exactly the routes the server has"
    );
    assert_eq!(
        openapi.keys().collect::<BTreeSet<_>>(),
        routed,
        "the OpenAPI document lists exactly the routes the server has"
    );
    for (route, who) in &readme {
        assert_eq!(
            who, &openapi[route],
            "{route:?}: README and OpenAPI name different callers"
        );
    }

    // Logging out ends the caller's session: walk it last.
    routes.sort_by_key(|(_, p)| p == "/api/v1/logout");
    let mut wrong = Vec::new();
    for (method, path) in &routes {
        let (target, body) = request_for(&doc, method, path, &code);
        for who in EVERYONE {
            let mut rb = http.request(method.parse::<Method>().unwrap(), format!("{url}{target}"));
            if let Some(t) = &tokens[&who] {
                rb = rb.bearer_auth(t);
            }
            if let Some(b) = &body {
                rb = rb.json(b);
            }
            // Only the status matters (an allowed event stream never ends: it is not read).
            let status = rb.send().await.unwrap().status();
            assert!(
                status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_IMPLEMENTED,
                "{method} {target} as {who:?}: {status}"
            );
            let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
            let documented = readme[&(method.clone(), path.clone())].contains(&who);
            if refused == documented {
                wrong.push(format!(
                    "{method} {path} as {who:?}: the server answers {status}, the table says {}",
                    if documented { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // No method beyond the table: every other one on a known path is 405.
    let by_path: BTreeMap<&str, BTreeSet<&str>> =
        routes
            .iter()
            .fold(BTreeMap::new(), |mut m, (method, path)| {
                m.entry(path.as_str()).or_default().insert(method.as_str());
                m
            });
    for (path, methods) in by_path {
        let (target, _) = request_for(&doc, methods.first().unwrap(), path, &code);
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            if methods.contains(method) {
                continue;
            }
            let resp = http
                .request(method.parse().unwrap(), format!("{url}{target}"))
                .bearer_auth(tokens[&Who::Admin].as_deref().unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(
                resp.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is not in the table, yet answered"
            );
        }
    }
    server.stop().await;
}
