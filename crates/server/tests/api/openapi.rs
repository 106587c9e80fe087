//! The OpenAPI document lists exactly the routes the server has, with schemas.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};

use crate::common::{Backend, TestServer};
use crate::routes::ROUTES;

#[tokio::test]
async fn openapi_lists_every_route_with_schemas() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (status, doc) = server.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                documented.insert(format!("{} {path}", method.to_uppercase()));
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "{method} {path} has no responses"
                );
            }
        }
    }
    let tested: BTreeSet<String> = ROUTES.iter().map(|r| r.route.to_string()).collect();
    assert_eq!(documented, tested, "documented routes differ from the tested table");

    // Bodies and answers are described, not just named.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["Message", "Channel", "User", "Workspace", "ErrorBody", "SendBody", "ChannelEvent"] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let send = &doc["paths"]["/api/v1/channels/{cid}/messages"]["post"];
    assert!(send["requestBody"]["content"]["application/json"]["schema"].is_object());

    // And every route the table names answers something other than "no such route".
    let client = server.anonymous();
    for route in ROUTES {
        let (method, path) = route.route.split_once(' ').unwrap();
        let path = path.replace('{', "x").replace('}', "");
        let (status, body) = client.call(Method::from_bytes(method.as_bytes()).unwrap(), &path, None).await;
        assert!(body["error"]["message"] != "route not found", "{} is not routed ({status})", route.route);
    }
}
