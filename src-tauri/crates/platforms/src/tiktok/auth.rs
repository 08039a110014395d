//! TikTok Login Kit for desktop: `client_key` instead of `client_id`, the secret in the body, a hex
//! SHA-256 PKCE challenge (TikTok's desktop guide), loopback on any port, rotating refresh tokens.

use async_trait::async_trait;
use outpost_net::reqwest::Method;
use serde_json::Value;

use crate::Secret;
use crate::error::Result;
use crate::flow::{AuthRequest, hex_challenge, new_pkce, new_state};
use crate::platform::Platform;
use crate::providers::{Ctx, Provider, Revocation, bearer_get, granted, secret_of};
use crate::tokens::{Account, AccountKind, Grant, TokenSet, split_scopes};
use crate::transport::{self, Phase, now_s};

const AUTH: &str = "https://www.tiktok.com/v2/auth/authorize/";
const TOKEN: &str = "https://open.tiktokapis.com/v2/oauth/token/";
const REVOKE: &str = "https://open.tiktokapis.com/v2/oauth/revoke/";
const ME: &str =
    "https://open.tiktokapis.com/v2/user/info/?fields=open_id,avatar_url,display_name,username";
const SCOPES: &[&str] = &[
    "user.info.basic",
    "video.publish",
    "video.upload",
    "video.list",
    "user.info.stats",
];

#[derive(Debug)]
pub struct Tiktok;

fn tokens_from(v: &Value, previous: Option<&TokenSet>) -> Result<TokenSet> {
    let p = Platform::Tiktok;
    let now = now_s();
    let mut t = TokenSet::new(transport::str_field(p, v, "access_token")?, now);
    t.refresh_token = transport::opt_str(v, "refresh_token")
        .map(Secret::new)
        .or_else(|| previous.and_then(|x| x.refresh_token.clone()));
    t.expires_at = transport::opt_i64(v, "expires_in").map(|s| crate::tokens::expiry(now, s));
    t.refresh_expires_at =
        transport::opt_i64(v, "refresh_expires_in").map(|s| crate::tokens::expiry(now, s));
    t.scopes = transport::opt_str(v, "scope")
        .map(|s| split_scopes(&s))
        .unwrap_or_default();
    if let Some(prev) = previous {
        t.extra = prev.extra.clone();
    }
    if let Some(open_id) = transport::opt_str(v, "open_id") {
        t.extra.insert("open_id".into(), open_id);
    }
    Ok(t)
}

#[async_trait]
impl Provider for Tiktok {
    fn platform(&self) -> Platform {
        Platform::Tiktok
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        let state = new_state();
        let (_, verifier) = new_pkce();
        let mut url = ctx.endpoints.url(Platform::Tiktok, AUTH)?;
        url.query_pairs_mut()
            .append_pair("client_key", &ctx.app.client_id)
            .append_pair("scope", &SCOPES.join(","))
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state.expose())
            .append_pair("response_type", "code")
            .append_pair("code_challenge", &hex_challenge(verifier.expose()))
            .append_pair("code_challenge_method", "S256");
        Ok(AuthRequest {
            platform: Platform::Tiktok,
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.to_string(),
        })
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        let p = Platform::Tiktok;
        let secret = secret_of(ctx, p)?;
        let url = ctx.endpoints.url(p, TOKEN)?;
        let form = [
            ("client_key", ctx.app.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("code", code.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", req.redirect_uri.as_str()),
            ("code_verifier", req.verifier.expose()),
        ];
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Exchange,
            transport::request(ctx.http, Method::POST, url).form(&form),
        )
        .await?;
        let tokens = tokens_from(&v, None)?;
        Ok(Grant {
            granted_scopes: granted(&tokens, SCOPES),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = Platform::Tiktok;
        let url = ctx.endpoints.url(p, ME)?;
        let v = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let u = v.pointer("/data/user").cloned().unwrap_or_default();
        let name =
            transport::opt_str(&u, "display_name").unwrap_or_else(|| "TikTok account".into());
        Ok(vec![Account {
            platform_account_id: transport::str_field(p, &u, "open_id")?,
            kind: AccountKind::Profile,
            handle: transport::opt_str(&u, "username")
                .map_or_else(|| name.clone(), |n| format!("@{n}")),
            display_name: name,
            avatar_url: transport::opt_str(&u, "avatar_url"),
            tokens: grant.tokens.clone(),
        }])
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        let p = Platform::Tiktok;
        let secret = secret_of(ctx, p)?;
        let Some(rt) = &tokens.refresh_token else {
            return Err(crate::Error::NeedsReauth {
                platform: p,
                reason: "no refresh token was issued".into(),
            });
        };
        let url = ctx.endpoints.url(p, TOKEN)?;
        let form = [
            ("client_key", ctx.app.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt.expose()),
        ];
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Refresh,
            transport::request(ctx.http, Method::POST, url).form(&form),
        )
        .await?;
        tokens_from(&v, Some(tokens))
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let p = Platform::Tiktok;
        let secret = secret_of(ctx, p)?;
        let url = ctx.endpoints.url(p, REVOKE)?;
        let form = [
            ("client_key", ctx.app.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("token", tokens.access_token.expose()),
        ];
        transport::send_revoke(
            ctx.http,
            p,
            transport::request(ctx.http, Method::POST, url).form(&form),
        )
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod overflow_tests {
    /// Found by the fuzz target `platform_answers`: an absurd `expires_in` overflowed.
    #[test]
    fn absurd_lifetimes_saturate() {
        let v = serde_json::json!({"access_token": "a", "expires_in": i64::MAX, "refresh_expires_in": i64::MAX});
        let t = super::tokens_from(&v, None).unwrap();
        let max = t.issued_at + crate::tokens::MAX_LIFETIME_S;
        assert_eq!((t.expires_at, t.refresh_expires_at), (Some(max), Some(max)));
    }
}
