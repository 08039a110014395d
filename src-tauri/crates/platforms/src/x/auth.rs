//! X (Twitter API v2): OAuth 2.0 authorization code with PKCE; public "Native App" clients send
//! `client_id` in the body, confidential ones use HTTP Basic. Codes live 30 s, access tokens 2 h,
//! refresh tokens rotate (`offline.access`).

use async_trait::async_trait;
use oauth2::AuthType;
use outpost_net::reqwest::Method;

use crate::Secret;
use crate::error::Result;
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{
    AppCredentials, Ctx, OauthClient, Provider, Revocation, bearer_get, granted, oauth_client,
};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase};

const AUTH: &str = "https://x.com/i/oauth2/authorize";
const TOKEN: &str = "https://api.x.com/2/oauth2/token";
const REVOKE: &str = "https://api.x.com/2/oauth2/revoke";
const ME: &str = "https://api.x.com/2/users/me?user.fields=profile_image_url";
const SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "users.read",
    "media.write",
    "offline.access",
    "dm.read",
    "dm.write",
];

#[derive(Debug)]
pub struct X;

fn auth_type(app: &AppCredentials) -> AuthType {
    if app.client_secret.is_some() {
        AuthType::BasicAuth
    } else {
        AuthType::RequestBody
    }
}

fn client(ctx: Ctx<'_>, redirect: Option<&str>) -> Result<OauthClient> {
    oauth_client(ctx, Platform::X, AUTH, TOKEN, redirect, auth_type(ctx.app))
}

#[async_trait]
impl Provider for X {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        Ok(crate::providers::standard_authorize(
            &client(ctx, Some(redirect_uri))?,
            Platform::X,
            SCOPES,
            " ",
            redirect_uri,
            &[],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        let c = client(ctx, Some(&req.redirect_uri))?;
        // oauth2 puts client_id in the body only with RequestBody auth; X wants it there for public clients.
        let tokens =
            crate::providers::standard_exchange(ctx, &c, Platform::X, req, code, &[]).await?;
        Ok(Grant {
            granted_scopes: granted(&tokens, SCOPES),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let url = ctx.endpoints.url(Platform::X, ME)?;
        let v = transport::send_json(
            ctx.http,
            Platform::X,
            Phase::Api,
            bearer_get(ctx, url, &grant.tokens),
        )
        .await?;
        let d = v.get("data").cloned().unwrap_or_default();
        let username = transport::str_field(Platform::X, &d, "username")?;
        let id = transport::str_field(Platform::X, &d, "id")?;
        let mut tokens = grant.tokens.clone();
        // The inbox reads `/2/users/:id/mentions` with it (saves a `GET /2/users/me`, a billed read).
        tokens.extra.insert("user_id".into(), id.clone());
        Ok(vec![Account {
            platform_account_id: id,
            kind: AccountKind::Profile,
            display_name: transport::opt_str(&d, "name").unwrap_or_else(|| username.clone()),
            handle: format!("@{username}"),
            avatar_url: transport::opt_str(&d, "profile_image_url"),
            tokens,
        }])
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        crate::providers::standard_refresh(ctx, &client(ctx, None)?, Platform::X, tokens, &[]).await
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let url = ctx.endpoints.url(Platform::X, REVOKE)?;
        let (token, hint) = match &tokens.refresh_token {
            Some(r) => (r.expose(), "refresh_token"),
            None => (tokens.access_token.expose(), "access_token"),
        };
        let mut form = vec![("token", token), ("token_type_hint", hint)];
        let mut rb = transport::request(ctx.http, Method::POST, url);
        match &ctx.app.client_secret {
            Some(s) => rb = rb.basic_auth(&ctx.app.client_id, Some(s.expose())),
            None => form.push(("client_id", ctx.app.client_id.as_str())),
        }
        transport::send_revoke(ctx.http, Platform::X, rb.form(&form)).await
    }
}
