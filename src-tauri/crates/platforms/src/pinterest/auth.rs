//! Pinterest API v5: HTTP Basic client authentication at the token endpoint, continuous 60-day
//! refresh tokens.

use async_trait::async_trait;
use oauth2::AuthType;

use crate::Secret;
use crate::error::Result;
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{Ctx, OauthClient, Provider, Revocation, bearer_get, granted, oauth_client};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase};

const AUTH: &str = "https://www.pinterest.com/oauth/";
const TOKEN: &str = "https://api.pinterest.com/v5/oauth/token";
const ME: &str = "https://api.pinterest.com/v5/user_account";
const SCOPES: &[&str] = &[
    "boards:read",
    "boards:write",
    "pins:read",
    "pins:write",
    "user_accounts:read",
];

#[derive(Debug)]
pub struct Pinterest;

fn client(ctx: Ctx<'_>, redirect: Option<&str>) -> Result<OauthClient> {
    oauth_client(
        ctx,
        Platform::Pinterest,
        AUTH,
        TOKEN,
        redirect,
        AuthType::BasicAuth,
    )
}

#[async_trait]
impl Provider for Pinterest {
    fn platform(&self) -> Platform {
        Platform::Pinterest
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        Ok(crate::providers::standard_authorize(
            &client(ctx, Some(redirect_uri))?,
            Platform::Pinterest,
            SCOPES,
            ",",
            redirect_uri,
            &[],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        crate::providers::secret_of(ctx, Platform::Pinterest)?;
        let c = client(ctx, Some(&req.redirect_uri))?;
        let tokens = crate::providers::standard_exchange(
            ctx,
            &c,
            Platform::Pinterest,
            req,
            code,
            &[("continuous_refresh", "true")],
        )
        .await?;
        Ok(Grant {
            granted_scopes: granted(&tokens, SCOPES),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = Platform::Pinterest;
        let url = ctx.endpoints.url(p, ME)?;
        let v = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let username = transport::str_field(p, &v, "username")?;
        Ok(vec![Account {
            platform_account_id: transport::opt_str(&v, "id").unwrap_or_else(|| username.clone()),
            kind: AccountKind::Profile,
            display_name: username.clone(),
            handle: username,
            avatar_url: transport::opt_str(&v, "profile_image"),
            tokens: grant.tokens.clone(),
        }])
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        crate::providers::standard_refresh(
            ctx,
            &client(ctx, None)?,
            Platform::Pinterest,
            tokens,
            &[],
        )
        .await
    }

    async fn revoke(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<Revocation> {
        Ok(Revocation::NotOffered(
            "Pinterest revokes only system-user tokens through its API: remove Outpost at pinterest.com → Settings → Security and logins → Apps",
        ))
    }
}
