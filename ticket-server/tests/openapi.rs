//! The OpenAPI document is generated from the handlers' `#[utoipa::path]` attributes and the wire
//! types; these tests hold it to the router and to what a client generator or a fuzzer needs.
//!
//! The router's routes come from `router::routes()`, the same table that builds the router, so a
//! route added there without an attribute on its handler (and an attribute whose path or method
//! the router does not have) fails here. `tests/schemathesis` then checks the running server
//! against the document.

use std::collections::BTreeSet;

use serde_json::Value;
use ticket_server::api::{openapi, router};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every (METHOD, path) of the document, with its operation.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            assert!(
                METHODS.contains(&method.as_str()),
                "{path}: `{method}` is not an operation (parameters belong to operations here)"
            );
            out.push((method.to_uppercase(), path.clone(), op));
        }
    }
    out
}

#[test]
fn the_document_and_the_router_list_the_same_routes_and_methods() {
    let doc = openapi::document();
    let documented: BTreeSet<(String, String)> = operations(doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let routed: BTreeSet<(String, String)> = router::routes()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_string(), p.to_string()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not in the document (add #[utoipa::path] to the handler and list it in api::openapi): {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "in the document but not routed: {unrouted:?}"
    );
    assert_eq!(
        routed.len(),
        router::routes().len(),
        "a route twice in the table"
    );
}

/// The `{name}`s of a path.
fn path_names(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_operation_documents_its_parameters_callers_answers_and_errors() {
    let doc = openapi::document();
    let mut problems = Vec::new();
    for (method, path, op) in operations(doc) {
        let mut problem = |what: String| problems.push(format!("{method} {path}: {what}"));
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap_or_default().to_string())
            .collect();
        if in_path != path_names(&path) {
            problem(format!(
                "path parameters {in_path:?}, the path has {:?}",
                path_names(&path)
            ));
        }
        for p in &params {
            if p["schema"].is_null() {
                problem(format!("parameter {} has no schema", p["name"]));
            }
        }

        let who: Vec<&str> = op["x-antri-principals"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if who.is_empty() {
            problem("no x-antri-principals".into());
        }
        let schemes: BTreeSet<&str> = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|r| r.keys().map(String::as_str))
            .collect();
        let expected: BTreeSet<&str> = if who == ["anyone"] {
            BTreeSet::new()
        } else {
            [openapi::BEARER, openapi::SESSION].into()
        };
        if schemes != expected {
            problem(format!("security {schemes:?} for callers {who:?}"));
        }
        if !who.contains(&"anyone") {
            for status in ["401", "403"] {
                if op["responses"][status].is_null() {
                    problem(format!("needs credentials but documents no {status}"));
                }
            }
        }

        let responses = op["responses"].as_object().expect("responses");
        if !responses.keys().any(|s| s.starts_with('2')) {
            problem("no success answer".into());
        }
        for (status, r) in responses {
            let content = r["content"].as_object();
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &r["content"]["application/json"]["schema"]["$ref"];
                if schema != "#/components/schemas/Error" && path != "/healthz" {
                    problem(format!("{status} without the Error schema"));
                }
            } else if status != "204" {
                match content {
                    None => problem(format!("{status} without a content type")),
                    Some(c) => {
                        for (ctype, media) in c {
                            if media["schema"].is_null() {
                                problem(format!("{status} {ctype} without a schema"));
                            }
                        }
                    }
                }
            }
        }
        if let Some(body) = op["requestBody"]["content"].as_object() {
            for (ctype, media) in body {
                if media["schema"].is_null() {
                    problem(format!("request body {ctype} without a schema"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `$ref` in `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_names_a_schema_of_the_document() {
    let doc = openapi::document();
    let mut all = Vec::new();
    refs(doc, &mut all);
    assert!(all.len() > 50, "{} references", all.len());
    let missing: BTreeSet<&str> = all
        .into_iter()
        .filter(|r| {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            doc["components"]["schemas"][name].is_null()
        })
        .collect();
    assert!(missing.is_empty(), "unresolved: {missing:?}");
    for scheme in [openapi::BEARER, openapi::SESSION] {
        assert!(
            !doc["components"]["securitySchemes"][scheme].is_null(),
            "no security scheme {scheme}"
        );
    }
}
