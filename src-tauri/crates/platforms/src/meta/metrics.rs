//! What the Facebook and Instagram metrics share: Graph insights answers
//! (`{"data":[{"name","period","values":[{"value"}]}]}`) and a post gone from the platform (Graph
//! answers code 100, subcode 33, "object does not exist": reported as deleted, never as zeros).

use serde_json::Value;

use super::graph::Graph;
use super::inbox::{NO_OBJECT, error_codes};
use crate::error::Result;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

/// A Graph read that tells "the object is gone" (`Ok(None)`) from other failures.
pub(crate) async fn get_unless_gone(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    path: &str,
) -> Result<Option<Value>> {
    let rb = g.request(ctx, tokens, outpost_net::reqwest::Method::GET, path)?;
    let reply = transport::send(ctx.http, g.platform, rb).await?;
    if reply.ok() {
        return reply.json(g.platform).map(Some);
    }
    match error_codes(&reply) {
        (100, NO_OBJECT) => Ok(None),
        _ if reply.status == 404 => Ok(None),
        _ => Err(transport::api_error(g.platform, &reply)),
    }
}

/// The latest value of metric `name` in an insights answer: a number, or the sum of an object's
/// numbers (`post_reactions_by_type_total` is `{"like":3,"love":1}`).
pub(crate) fn insight(v: &Value, name: &str) -> Option<u64> {
    let entry = v
        .get("data")?
        .as_array()?
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name))?;
    let value = entry
        .get("values")
        .and_then(Value::as_array)
        .and_then(|a| a.last())
        .and_then(|x| x.get("value"))
        .or_else(|| entry.pointer("/total_value/value"))?;
    match value {
        Value::Object(m) => Some(m.values().filter_map(Value::as_u64).sum()),
        other => other.as_u64(),
    }
}

/// The insights answer must be a list (a truncated or foreign answer is an error, not zeros).
pub(crate) fn check_insights(g: &Graph, v: &Value) -> Result<()> {
    if v.get("data").and_then(Value::as_array).is_some() {
        Ok(())
    } else {
        Err(g.invalid("the insights answer has no data"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn insight_values_and_reaction_totals() {
        let v = json!({"data": [
            {"name": "post_impressions", "values": [{"value": 12}]},
            {"name": "post_reactions_by_type_total", "values": [{"value": {"like": 3, "love": 2}}]},
            {"name": "reach", "total_value": {"value": 7}}
        ]});
        assert_eq!(insight(&v, "post_impressions"), Some(12));
        assert_eq!(insight(&v, "post_reactions_by_type_total"), Some(5));
        assert_eq!(insight(&v, "reach"), Some(7));
        assert_eq!(insight(&v, "post_clicks"), None);
    }
}
