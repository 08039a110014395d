//! Reading the fields of a platform's JSON answer.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::platform::Platform;

/// Reads a required string field (numbers are accepted and turned into text: ids are often numbers).
pub(crate) fn str_field(platform: Platform, v: &Value, key: &str) -> Result<String> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Error::InvalidResponse {
            platform,
            what: format!("`{key}` is missing"),
        }),
    }
}

pub(crate) fn opt_str(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn opt_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key)
        .and_then(|x| x.as_i64().or_else(|| x.as_str()?.parse().ok()))
}
