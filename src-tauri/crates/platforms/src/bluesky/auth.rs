//! Bluesky with app passwords: a legacy session on the user's PDS (`createSession`, rotating
//! `refreshSession`, `deleteSession`). The app password is used once and never stored; the session
//! tokens are. Expiries come from the JWTs' `exp` claims. (The AT Protocol OAuth profile needs a
//! publicly hosted client-metadata document plus PAR and DPoP; see the README's known limits.)

use async_trait::async_trait;
use base64::Engine;
use outpost_net::reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::Secret;
use crate::error::{Error, Result};
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{Ctx, Provider, Revocation};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase, now_s};

/// The default service (the Bluesky entryway).
pub const DEFAULT_SERVICE: &str = "https://bsky.social";

#[derive(Debug)]
pub struct Bluesky;

/// Normalises a service address; http only for loopback hosts.
pub fn service_origin(input: Option<&str>, endpoints: &crate::Endpoints) -> Result<Url> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => endpoints.url(Platform::Bluesky, DEFAULT_SERVICE),
        Some(t) => crate::endpoints::server_origin(Platform::Bluesky, t),
    }
}

/// The `exp` claim of a JWT (unverified: only used to know when to refresh).
fn jwt_exp(jwt: &str) -> Option<i64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()?
        .get("exp")?
        .as_i64()
}

fn session_tokens(v: &Value, pds: &Url, previous: Option<&TokenSet>) -> Result<TokenSet> {
    let p = Platform::Bluesky;
    let access = transport::str_field(p, v, "accessJwt")?;
    let refresh = transport::str_field(p, v, "refreshJwt")?;
    let mut t = TokenSet::new(access, now_s());
    t.expires_at = jwt_exp(t.access_token.expose());
    t.refresh_expires_at = jwt_exp(&refresh);
    t.refresh_token = Some(Secret::new(refresh));
    t.scopes = vec!["transition:generic".into()];
    if let Some(prev) = previous {
        t.extra = prev.extra.clone();
    }
    t.extra
        .insert("did".into(), transport::str_field(p, v, "did")?);
    if let Some(h) = transport::opt_str(v, "handle") {
        t.extra.insert("handle".into(), h);
    }
    t.extra
        .entry("pds".into())
        .or_insert_with(|| pds.as_str().trim_end_matches('/').to_string());
    Ok(t)
}

/// The PDS a session lives on: the DID document's `#atproto_pds` service when the entryway
/// answered with one on the same scheme, else the service signed in to.
fn pds_of(v: &Value, service: &Url) -> Url {
    let from_doc = v
        .pointer("/didDoc/service")
        .and_then(Value::as_array)
        .and_then(|s| {
            s.iter().find(|e| {
                e.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.ends_with("#atproto_pds"))
            })
        })
        .and_then(|e| e.get("serviceEndpoint").and_then(Value::as_str))
        .and_then(|s| Url::parse(s).ok())
        .filter(|u| u.scheme() == service.scheme());
    from_doc.unwrap_or_else(|| service.clone())
}

fn xrpc(base: &str, method: &str) -> Result<Url> {
    Url::parse(&format!("{}/xrpc/{method}", base.trim_end_matches('/')))
        .map_err(|_| Error::Config("bad server URL".into()))
}

impl Bluesky {
    /// Signs in with a handle (or email) and an app password.
    pub async fn sign_in(
        &self,
        http: &outpost_net::HttpClient,
        service: &Url,
        identifier: &str,
        app_password: &Secret,
    ) -> Result<Account> {
        let p = Platform::Bluesky;
        let identifier = identifier.trim().trim_start_matches('@');
        if identifier.is_empty() || app_password.is_empty() {
            return Err(Error::Config(
                "Enter your handle and an app password".into(),
            ));
        }
        let url = xrpc(service.as_str(), "com.atproto.server.createSession")?;
        let body =
            serde_json::json!({ "identifier": identifier, "password": app_password.expose() });
        let v = transport::send_json(
            http,
            p,
            Phase::Exchange,
            transport::request(http, Method::POST, url).json(&body),
        )
        .await?;
        let pds = pds_of(&v, service);
        let tokens = session_tokens(&v, &pds, None)?;
        let did = tokens.extra("did").unwrap_or_default().to_string();
        let handle = tokens.extra("handle").unwrap_or(identifier).to_string();
        let (display_name, avatar_url) = profile(http, &pds, &did, &tokens)
            .await
            .unwrap_or((None, None));
        Ok(Account {
            platform_account_id: did,
            kind: AccountKind::Profile,
            display_name: display_name.unwrap_or_else(|| handle.clone()),
            handle: format!("@{handle}"),
            avatar_url,
            tokens,
        })
    }
}

/// Display name and avatar, when the PDS can answer `app.bsky.actor.getProfile` (best effort).
async fn profile(
    http: &outpost_net::HttpClient,
    pds: &Url,
    did: &str,
    tokens: &TokenSet,
) -> Option<(Option<String>, Option<String>)> {
    let mut url = xrpc(pds.as_str(), "app.bsky.actor.getProfile").ok()?;
    url.query_pairs_mut().append_pair("actor", did);
    let rb = transport::request(http, Method::GET, url).bearer_auth(tokens.access_token.expose());
    let v = transport::send_json(http, Platform::Bluesky, Phase::Api, rb)
        .await
        .ok()?;
    Some((
        transport::opt_str(&v, "displayName"),
        transport::opt_str(&v, "avatar"),
    ))
}

#[async_trait]
impl Provider for Bluesky {
    fn platform(&self) -> Platform {
        Platform::Bluesky
    }

    fn scopes(&self) -> &'static [&'static str] {
        &["transition:generic"]
    }

    fn authorize(&self, _ctx: Ctx<'_>, _redirect_uri: &str) -> Result<AuthRequest> {
        Err(Error::Unsupported {
            platform: Platform::Bluesky,
            what: "browser sign-in in Outpost yet; use an app password",
        })
    }

    async fn exchange(&self, _ctx: Ctx<'_>, _req: &AuthRequest, _code: &Secret) -> Result<Grant> {
        Err(Error::Unsupported {
            platform: Platform::Bluesky,
            what: "browser sign-in in Outpost yet; use an app password",
        })
    }

    async fn accounts(&self, _ctx: Ctx<'_>, _grant: &Grant) -> Result<Vec<Account>> {
        Err(Error::Unsupported {
            platform: Platform::Bluesky,
            what: "browser sign-in in Outpost yet; use an app password",
        })
    }

    async fn verify(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<()> {
        let p = Platform::Bluesky;
        let pds = grant
            .tokens
            .extra("pds")
            .ok_or_else(|| Error::NeedsReauth {
                platform: p,
                reason: "the session has no server".into(),
            })?;
        let url = xrpc(pds, "com.atproto.server.getSession")?;
        let rb = transport::request(ctx.http, Method::GET, url)
            .bearer_auth(grant.tokens.access_token.expose());
        transport::send_json(ctx.http, p, Phase::Api, rb).await?;
        Ok(())
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        let p = Platform::Bluesky;
        let pds = tokens.extra("pds").ok_or_else(|| Error::NeedsReauth {
            platform: p,
            reason: "the session has no server".into(),
        })?;
        let Some(rt) = &tokens.refresh_token else {
            return Err(Error::NeedsReauth {
                platform: p,
                reason: "the session has no refresh token".into(),
            });
        };
        let url = xrpc(pds, "com.atproto.server.refreshSession")?;
        let rb = transport::request(ctx.http, Method::POST, url).bearer_auth(rt.expose());
        let v = transport::send_json(ctx.http, p, Phase::Refresh, rb).await?;
        let base = Url::parse(pds).map_err(|_| Error::Config("bad server URL".into()))?;
        session_tokens(&v, &base, Some(tokens))
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let p = Platform::Bluesky;
        let (Some(pds), Some(rt)) = (tokens.extra("pds"), &tokens.refresh_token) else {
            return Ok(Revocation::NotOffered(
                "the session has no server; remove the app password in Bluesky → Settings → Privacy and security → App passwords",
            ));
        };
        let url = xrpc(pds, "com.atproto.server.deleteSession")?;
        let reply = transport::send(
            ctx.http,
            p,
            transport::request(ctx.http, Method::POST, url).bearer_auth(rt.expose()),
        )
        .await?;
        if (200..300).contains(&reply.status) {
            Ok(Revocation::Revoked)
        } else {
            Err(transport::classify(p, Phase::Revoke, &reply))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_jwt_expiry() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"exp":1700000000,"sub":"did:plc:x"}"#);
        assert_eq!(jwt_exp(&format!("h.{payload}.s")), Some(1_700_000_000));
        assert_eq!(jwt_exp("garbage"), None);
    }

    #[test]
    fn services_are_checked() {
        let e = crate::Endpoints::default();
        assert_eq!(
            service_origin(None, &e).unwrap().as_str(),
            "https://bsky.social/"
        );
        assert_eq!(
            service_origin(Some("http://localhost:2583"), &e)
                .unwrap()
                .as_str(),
            "http://localhost:2583/"
        );
        assert!(service_origin(Some("http://evil.example"), &e).is_err());
    }
}
