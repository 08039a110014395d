//! Mastodon: any server. Outpost registers itself on each server (`POST /api/v1/apps`), discovers
//! the endpoints (`/.well-known/oauth-authorization-server`, Mastodon 4.3+) and signs in with PKCE
//! S256 where the server advertises it. Tokens do not expire; revocation is RFC 7009.

use async_trait::async_trait;
use oauth2::AuthType;
use outpost_net::reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::Secret;
use crate::endpoints::Endpoints;
use crate::error::{Error, Result};
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{
    AppCredentials, Ctx, OauthClient, Provider, Revocation, bearer_get, granted, oauth_client,
};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase};

const SCOPES: &[&str] = &["read", "write", "profile"];

#[derive(Debug)]
pub struct Mastodon;

/// Normalises what a user typed as a server (`mastodon.social`, `https://mastodon.social/`) into an
/// origin. Plain http is accepted only for loopback addresses (tests, self-hosting on this machine).
pub fn server_origin(input: &str) -> Result<Url> {
    if input.trim().is_empty() {
        return Err(Error::Config(
            "Enter the address of your Mastodon server, e.g. mastodon.social".into(),
        ));
    }
    crate::endpoints::server_origin(Platform::Mastodon, input)
}

/// The provider id of a server, used in its callback path and deep link (mix-up defence: one
/// distinct redirect per server): `mastodon-<host>[-<port>]`.
pub fn provider_id(origin: &Url) -> String {
    let host = origin
        .host_str()
        .unwrap_or("server")
        .trim_matches(['[', ']'])
        .replace(':', "-");
    match origin.port() {
        Some(p) => format!("mastodon-{host}-{p}"),
        None => format!("mastodon-{host}"),
    }
}

/// The server's OAuth endpoints.
#[derive(Debug, Clone)]
pub struct ServerMeta {
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub revocation_endpoint: Url,
    /// Whether the server advertises PKCE S256.
    pub pkce: bool,
}

fn same_origin(origin: &Url, u: &Url) -> bool {
    u.origin() == origin.origin()
}

/// Reads `/.well-known/oauth-authorization-server`; servers before 4.3 answer 404 and get the
/// classic paths without PKCE. Endpoints on another origin are refused.
pub async fn discover(http: &outpost_net::HttpClient, origin: &Url) -> Result<ServerMeta> {
    let p = Platform::Mastodon;
    let join = |path: &str| {
        origin
            .join(path)
            .map_err(|_| Error::Config("bad server URL".into()))
    };
    let reply = transport::send(
        http,
        p,
        transport::request(
            http,
            Method::GET,
            join("/.well-known/oauth-authorization-server")?,
        ),
    )
    .await?;
    if reply.status == 404 {
        return Ok(ServerMeta {
            authorization_endpoint: join("/oauth/authorize")?,
            token_endpoint: join("/oauth/token")?,
            revocation_endpoint: join("/oauth/revoke")?,
            pkce: false,
        });
    }
    if !(200..300).contains(&reply.status) {
        return Err(transport::classify(p, Phase::Exchange, &reply));
    }
    let v = reply.json(p)?;
    let endpoint = |k: &str, default: &str| -> Result<Url> {
        match transport::opt_str(&v, k) {
            Some(s) => {
                let u = Url::parse(&s).map_err(|_| Error::InvalidResponse {
                    platform: p,
                    what: format!("`{k}` is not a URL"),
                })?;
                if same_origin(origin, &u) {
                    Ok(u)
                } else {
                    Err(Error::InvalidResponse {
                        platform: p,
                        what: format!("`{k}` points to another server"),
                    })
                }
            }
            None => join(default),
        }
    };
    let pkce = v
        .get("code_challenge_methods_supported")
        .and_then(Value::as_array)
        .is_some_and(|m| m.iter().any(|x| x.as_str() == Some("S256")));
    Ok(ServerMeta {
        authorization_endpoint: endpoint("authorization_endpoint", "/oauth/authorize")?,
        token_endpoint: endpoint("token_endpoint", "/oauth/token")?,
        revocation_endpoint: endpoint("revocation_endpoint", "/oauth/revoke")?,
        pkce,
    })
}

/// Registers Outpost on the server for `redirect_uris`; returns the credentials to keep.
pub async fn register(
    http: &outpost_net::HttpClient,
    origin: &Url,
    redirect_uris: &[String],
) -> Result<AppCredentials> {
    let p = Platform::Mastodon;
    let url = origin
        .join("/api/v1/apps")
        .map_err(|_| Error::Config("bad server URL".into()))?;
    let body = serde_json::json!({
        "client_name": super::publish::APP_NAME,
        "redirect_uris": redirect_uris,
        "scopes": SCOPES.join(" "),
        "website": "https://outpost.app",
    });
    let v = transport::send_json(
        http,
        p,
        Phase::Exchange,
        transport::request(http, Method::POST, url).json(&body),
    )
    .await?;
    Ok(AppCredentials {
        client_id: transport::str_field(p, &v, "client_id")?,
        client_secret: Some(Secret::new(transport::str_field(p, &v, "client_secret")?)),
        instance_url: Some(origin.clone()),
        organization_access: false,
    })
}

fn origin_of(ctx: Ctx<'_>) -> Result<Url> {
    ctx.app
        .instance_url
        .clone()
        .ok_or_else(|| Error::Config("Mastodon needs the server address".into()))
}

fn client(ctx: Ctx<'_>, meta: &ServerMeta, redirect: Option<&str>) -> Result<OauthClient> {
    // The server's own endpoints; OUTPOST_ENDPOINT_* does not apply to user-chosen servers.
    let no_overrides = Endpoints::default();
    let ctx2 = Ctx {
        endpoints: &no_overrides,
        ..ctx
    };
    oauth_client(
        ctx2,
        Platform::Mastodon,
        meta.authorization_endpoint.as_str(),
        meta.token_endpoint.as_str(),
        redirect,
        AuthType::RequestBody,
    )
}

impl Mastodon {
    /// The authorization request against discovered endpoints.
    pub fn authorize_with(
        &self,
        ctx: Ctx<'_>,
        meta: &ServerMeta,
        redirect_uri: &str,
    ) -> Result<AuthRequest> {
        let c = client(ctx, meta, Some(redirect_uri))?;
        let mut req = crate::providers::standard_authorize(
            &c,
            Platform::Mastodon,
            SCOPES,
            " ",
            redirect_uri,
            &[],
        );
        if !meta.pkce {
            let pairs: Vec<(String, String)> = req
                .url
                .query_pairs()
                .filter(|(k, _)| !k.starts_with("code_challenge"))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            req.url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        Ok(req)
    }

    pub async fn exchange_with(
        &self,
        ctx: Ctx<'_>,
        meta: &ServerMeta,
        req: &AuthRequest,
        code: &Secret,
    ) -> Result<Grant> {
        let c = client(ctx, meta, Some(&req.redirect_uri))?;
        let mut tokens =
            crate::providers::standard_exchange(ctx, &c, Platform::Mastodon, req, code, &[])
                .await?;
        tokens.expires_at = None;
        Ok(Grant {
            granted_scopes: granted(&tokens, SCOPES),
            tokens,
        })
    }
}

#[async_trait]
impl Provider for Mastodon {
    fn platform(&self) -> Platform {
        Platform::Mastodon
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    /// Without discovery: the classic endpoints. The app uses [`Mastodon::authorize_with`].
    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        let origin = origin_of(ctx)?;
        let meta = ServerMeta {
            authorization_endpoint: origin
                .join("/oauth/authorize")
                .map_err(|_| Error::Config("bad server URL".into()))?,
            token_endpoint: origin
                .join("/oauth/token")
                .map_err(|_| Error::Config("bad server URL".into()))?,
            revocation_endpoint: origin
                .join("/oauth/revoke")
                .map_err(|_| Error::Config("bad server URL".into()))?,
            pkce: true,
        };
        self.authorize_with(ctx, &meta, redirect_uri)
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        let meta = discover(ctx.http, &origin_of(ctx)?).await?;
        self.exchange_with(ctx, &meta, req, code).await
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = Platform::Mastodon;
        let origin = origin_of(ctx)?;
        let url = origin
            .join("/api/v1/accounts/verify_credentials")
            .map_err(|_| Error::Config("bad server URL".into()))?;
        let v = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let username = transport::str_field(p, &v, "username")?;
        let host = origin.host_str().unwrap_or_default();
        Ok(vec![Account {
            platform_account_id: transport::str_field(p, &v, "id")?,
            kind: AccountKind::Profile,
            display_name: transport::opt_str(&v, "display_name")
                .unwrap_or_else(|| username.clone()),
            handle: format!("@{username}@{host}"),
            avatar_url: transport::opt_str(&v, "avatar"),
            tokens: grant.tokens.clone(),
        }])
    }

    fn can_refresh(&self, _tokens: &TokenSet) -> bool {
        false
    }

    async fn refresh(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<TokenSet> {
        Err(Error::Unsupported {
            platform: Platform::Mastodon,
            what: "token refresh (its tokens do not expire)",
        })
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let p = Platform::Mastodon;
        let meta = discover(ctx.http, &origin_of(ctx)?).await?;
        let mut form = vec![
            ("client_id", ctx.app.client_id.as_str()),
            ("token", tokens.access_token.expose()),
        ];
        if let Some(s) = &ctx.app.client_secret {
            form.push(("client_secret", s.expose()));
        }
        let rb = transport::request(ctx.http, Method::POST, meta.revocation_endpoint).form(&form);
        transport::send_revoke(ctx.http, p, rb).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_normalised_and_checked() {
        assert_eq!(
            server_origin("mastodon.social").unwrap().as_str(),
            "https://mastodon.social/"
        );
        assert_eq!(
            server_origin(" https://fosstodon.org/ ").unwrap().as_str(),
            "https://fosstodon.org/"
        );
        assert_eq!(
            server_origin("http://127.0.0.1:3000").unwrap().as_str(),
            "http://127.0.0.1:3000/"
        );
        for bad in [
            "",
            "http://mastodon.social",
            "https://a/b",
            "ftp://x",
            "https://u@x",
            "https://x/?q=1",
        ] {
            assert!(server_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn provider_ids_are_distinct_per_server() {
        let a = provider_id(&server_origin("mastodon.social").unwrap());
        let b = provider_id(&server_origin("http://127.0.0.1:3000").unwrap());
        assert_eq!(a, "mastodon-mastodon.social");
        assert_eq!(b, "mastodon-127.0.0.1-3000");
    }
}
