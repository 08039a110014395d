//! LinkedIn: the standard authorization-code flow with the client secret (native PKCE is enabled by
//! LinkedIn per app on request), OpenID userinfo for the member, organization ACLs for the company
//! pages the member administers. REST calls carry the versioning headers.

use async_trait::async_trait;
use oauth2::AuthType;

use crate::Secret;
use crate::error::Result;
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{
    AppCredentials, Ctx, OauthClient, Provider, Revocation, bearer_get, granted, oauth_client,
};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase};

const AUTH: &str = "https://www.linkedin.com/oauth/v2/authorization";
const TOKEN: &str = "https://www.linkedin.com/oauth/v2/accessToken";
const USERINFO: &str = "https://api.linkedin.com/v2/userinfo";
const ACLS: &str = "https://api.linkedin.com/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED";
const ORG: &str = "https://api.linkedin.com/rest/organizations/";
/// The Posts API version Outpost is written against.
pub const LINKEDIN_VERSION: &str = "202510";
/// Every scope Outpost may ask for: the member's (products "Sign In with LinkedIn using OpenID
/// Connect" and "Share on LinkedIn", self-serve) and, with the Community Management API product,
/// the organization's.
const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "w_member_social",
    "w_organization_social",
    "rw_organization_admin",
    "r_organization_social",
];
/// A self-serve app's scopes: member posting only. LinkedIn refuses any scope of a product the app
/// lacks (`unauthorized_scope_error`: `Scope "w_organization_social" is not authorized for your
/// application`), so the organization scopes are asked for only when the user says the app has
/// Community Management.
const MEMBER_SCOPES: &[&str] = &["openid", "profile", "w_member_social"];

#[derive(Debug)]
pub struct Linkedin;

fn client(ctx: Ctx<'_>, redirect: Option<&str>) -> Result<OauthClient> {
    oauth_client(
        ctx,
        Platform::Linkedin,
        AUTH,
        TOKEN,
        redirect,
        AuthType::RequestBody,
    )
}

fn rest(ctx: Ctx<'_>, url: url::Url, tokens: &TokenSet) -> outpost_net::reqwest::RequestBuilder {
    bearer_get(ctx, url, tokens)
        .header("Linkedin-Version", LINKEDIN_VERSION)
        .header("X-Restli-Protocol-Version", "2.0.0")
}

#[async_trait]
impl Provider for Linkedin {
    fn platform(&self) -> Platform {
        Platform::Linkedin
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    fn scopes_for(&self, app: &AppCredentials) -> &'static [&'static str] {
        if app.organization_access {
            SCOPES
        } else {
            MEMBER_SCOPES
        }
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        Ok(crate::providers::standard_authorize(
            &client(ctx, Some(redirect_uri))?,
            Platform::Linkedin,
            self.scopes_for(ctx.app),
            " ",
            redirect_uri,
            &[],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        crate::providers::secret_of(ctx, Platform::Linkedin)?;
        let tokens = crate::providers::standard_exchange(
            ctx,
            &client(ctx, Some(&req.redirect_uri))?,
            Platform::Linkedin,
            req,
            code,
            &[],
        )
        .await?;
        Ok(Grant {
            granted_scopes: granted(&tokens, self.scopes_for(ctx.app)),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = Platform::Linkedin;
        let url = ctx.endpoints.url(p, USERINFO)?;
        let me = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let sub = transport::str_field(p, &me, "sub")?;
        let name = transport::opt_str(&me, "name").unwrap_or_else(|| "LinkedIn member".into());
        let mut out = vec![Account {
            platform_account_id: format!("urn:li:person:{sub}"),
            kind: AccountKind::Profile,
            display_name: name.clone(),
            handle: name,
            avatar_url: transport::opt_str(&me, "picture"),
            tokens: grant.tokens.clone(),
        }];
        // Company pages need the organization scopes; without them there are simply none to offer.
        if !grant
            .granted_scopes
            .iter()
            .any(|s| s == "rw_organization_admin")
        {
            return Ok(out);
        }
        let url = ctx.endpoints.url(p, ACLS)?;
        let acls =
            transport::send_json(ctx.http, p, Phase::Api, rest(ctx, url, &grant.tokens)).await?;
        for el in acls
            .get("elements")
            .and_then(|e| e.as_array())
            .cloned()
            .unwrap_or_default()
        {
            let Some(urn) = transport::opt_str(&el, "organization") else {
                continue;
            };
            let Some(id) = urn
                .strip_prefix("urn:li:organization:")
                .filter(|i| i.chars().all(|c| c.is_ascii_digit()))
            else {
                continue;
            };
            let url = ctx.endpoints.url(p, &format!("{ORG}{id}"))?;
            let org = transport::send_json(ctx.http, p, Phase::Api, rest(ctx, url, &grant.tokens))
                .await?;
            let name = transport::opt_str(&org, "localizedName")
                .unwrap_or_else(|| format!("Organization {id}"));
            out.push(Account {
                platform_account_id: urn.clone(),
                kind: AccountKind::Organization,
                handle: transport::opt_str(&org, "vanityName").unwrap_or_else(|| name.clone()),
                display_name: name,
                avatar_url: None,
                tokens: grant.tokens.clone(),
            });
        }
        Ok(out)
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        crate::providers::standard_refresh(
            ctx,
            &client(ctx, None)?,
            Platform::Linkedin,
            tokens,
            &[],
        )
        .await
    }

    async fn revoke(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<Revocation> {
        Ok(Revocation::NotOffered(
            "LinkedIn has no revocation API: remove Outpost at linkedin.com → Settings → Data privacy → Permitted services",
        ))
    }
}
