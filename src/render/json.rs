//! `--json`: one JSON value per command, with stable snake_case field names (listed in the
//! README). Informational messages become `{"message": ...}`; commands that print nothing
//! print nothing.

use serde_json::{json, Value};

use super::Outcome;

/// The JSON for an outcome, or `None` when the command prints nothing.
pub fn value(outcome: &Outcome) -> Option<Value> {
    let text = |t: &[u8]| json!({ "text": String::from_utf8_lossy(t) });
    Some(match outcome {
        Outcome::Nothing => return None,
        Outcome::Message(m) => json!({ "message": m.lossy() }),
        Outcome::Note(n) => json!({ "message": n }),
        Outcome::Value(v) => json!({ "value": v.lossy() }),
        Outcome::Text(t) | Outcome::ErrText(t) => text(t),
        Outcome::Xml(x) => json!({ "xml": x }),
        Outcome::Data(view) => view.json(),
    })
}

/// `{"error": {"code": ..., "message": ...}}`
pub fn error(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}
