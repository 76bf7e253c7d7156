//! `--json`: one JSON value per command, with stable snake_case field names (listed in the
//! README). Informational messages become `{"message": ...}`; commands that print nothing
//! print nothing.

use serde_json::{json, Value};

use super::Outcome;

/// The JSON for an outcome, or `None` when the command prints nothing.
pub fn value(outcome: &Outcome) -> Option<Value> {
    let v = match outcome {
        Outcome::Nothing => return None,
        Outcome::Message(m) | Outcome::Note(m) => json!({ "message": m }),
        Outcome::Value(v) => json!({ "value": v }),
        Outcome::Text(t) | Outcome::ErrText(t) => json!({ "text": t }),
        Outcome::Xml(x) => json!({ "xml": x }),
        Outcome::DomainList(l) => json!(l.rows),
        Outcome::DomainInfo(i) => json!(i),
        Outcome::DomainState(s) => json!(s),
        Outcome::NodeInfo(n) => json!({
            "cpu_model": n.model,
            "cpus": n.cpus,
            "cpu_mhz": n.mhz,
            "cpu_sockets": n.sockets,
            "cores_per_socket": n.cores,
            "threads_per_core": n.threads,
            "numa_cells": n.nodes,
            "memory_kib": n.memory_kib,
        }),
        Outcome::Version(v) => json!(v),
        Outcome::PoolList(l) => json!(l.rows),
        Outcome::PoolInfo(p) => json!(p),
        Outcome::VolList(l) => json!(l.rows),
        Outcome::VolInfo(v) => json!(v),
    };
    Some(v)
}

/// `{"error": {"code": ..., "message": ...}}`
pub fn error(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}
