//! The HTTP API driven over real sockets against a real server, on SQLite and on PostgreSQL.
//! Each `both!` test runs once per backend; PostgreSQL needs `OCOMMS_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod accounts;
mod authz;
mod bad_input;
mod change_events;
mod channels;
mod concurrency;
mod config;
mod edge;
mod files;
mod files_attacks;
mod fixture;
mod gateway;
mod messages;
mod multinode;
mod notes;
mod openapi;
mod races;
mod reactions;
mod routes;
mod schema;
mod search;
mod status;
mod threads;
mod throttle;
mod upgrade;
mod web;
mod workspaces;
