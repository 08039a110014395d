//! What Settings → Developer apps tells the user per platform: where to create the app, the steps,
//! and honest caveats. The redirect URI itself is computed by the application (it depends on the
//! port and the surface).

use crate::platform::Platform;

/// The guide for one platform.
#[derive(Debug, Clone, Copy)]
pub struct Guide {
    pub console_url: &'static str,
    pub steps: &'static [&'static str],
    pub notes: &'static [&'static str],
}

pub fn guide(platform: Platform) -> Guide {
    match platform {
        Platform::X => Guide {
            console_url: "https://developer.x.com/en/portal/projects-and-apps",
            steps: &[
                "Create a Project and an App in the X Developer Portal.",
                "Under User authentication settings choose OAuth 2.0, type “Native App” (public client).",
                "Add the redirect URI below as a Callback URI, exactly as shown.",
                "Copy the OAuth 2.0 Client ID here. A client secret is needed only for “Web App” types.",
            ],
            notes: &[
                "X matches the whole redirect URI, so Outpost listens on a fixed local port during sign-in.",
            ],
        },
        Platform::Linkedin => Guide {
            console_url: "https://www.linkedin.com/developers/apps",
            steps: &[
                "Create an app at LinkedIn Developers and link it to your company page.",
                "Add the products “Sign In with LinkedIn using OpenID Connect”, “Share on LinkedIn” and, for company pages, “Community Management API”.",
                "Under Auth, add the redirect URI below as an Authorized redirect URL.",
                "Copy the Client ID and the Primary Client Secret here.",
            ],
            notes: &[
                "LinkedIn requires the client secret for desktop sign-in unless LinkedIn enables native PKCE for your app on request.",
                "Access tokens last 60 days; refresh tokens are issued only to approved partners, so you may be asked to reconnect every 60 days.",
            ],
        },
        Platform::Facebook => Guide {
            console_url: "https://developers.facebook.com/apps",
            steps: &[
                "Create a Business app at Meta for Developers and add the product “Facebook Login for Business”.",
                "Add the redirect URI below to Valid OAuth Redirect URIs.",
                "Copy the App ID and the App Secret (Settings → Basic) here.",
            ],
            notes: &[
                "Meta asks that the app secret stay on a server; Outpost keeps it sealed in your vault on this device.",
                "Only Pages where you have the “Create content” task can be connected.",
            ],
        },
        Platform::Instagram => Guide {
            console_url: "https://developers.facebook.com/apps",
            steps: &[
                "Create an app at Meta for Developers and add the product “Instagram” → API setup with Instagram business login.",
                "Add the redirect URI below under Business login settings → OAuth redirect URIs.",
                "Copy the Instagram app ID and Instagram app secret here (not the Facebook ones).",
            ],
            notes: &["Works with Instagram professional (business or creator) accounts."],
        },
        Platform::Threads => Guide {
            console_url: "https://developers.facebook.com/apps",
            steps: &[
                "Create an app with the “Access the Threads API” use case at Meta for Developers.",
                "Add the redirect URI below to the Threads redirect callback URLs.",
                "Copy the Threads app ID and Threads app secret here (apps have a separate pair for Threads).",
            ],
            notes: &[],
        },
        Platform::Youtube => Guide {
            console_url: "https://console.cloud.google.com/apis/credentials",
            steps: &[
                "In Google Cloud, create a project and enable the YouTube Data API v3.",
                "Configure the OAuth consent screen and add yourself as a test user while it is in Testing.",
                "Create an OAuth client ID of type “Desktop app”.",
                "Copy the client ID and client secret here. Desktop clients need no redirect URI registration.",
            ],
            notes: &[
                "Google treats desktop client secrets as non-confidential; sign-in uses PKCE and a local loopback address.",
                "While the consent screen is in Testing, Google expires refresh tokens after 7 days.",
            ],
        },
        Platform::Tiktok => Guide {
            console_url: "https://developers.tiktok.com/apps",
            steps: &[
                "Create an app at TikTok for Developers with Login Kit (Desktop) and the Content Posting API.",
                "Add the redirect URI below (with the * port) under Login Kit → Desktop redirect URIs.",
                "Copy the Client key and Client secret here.",
            ],
            notes: &["Until TikTok audits your app, everything it posts is visible only to you."],
        },
        Platform::Pinterest => Guide {
            console_url: "https://developers.pinterest.com/apps",
            steps: &[
                "Create an app at Pinterest Developers.",
                "Add the redirect URI below under Redirect URIs.",
                "Copy the App ID and App secret key here.",
            ],
            notes: &[
                "Pinterest may require https redirect URIs for some apps; if it refuses the local address, see the README.",
            ],
        },
        Platform::Bluesky => Guide {
            console_url: "https://bsky.app/settings/app-passwords",
            steps: &[
                "Nothing to set up here.",
                "When connecting, create an app password in Bluesky → Settings → Privacy and security → App passwords and paste it once; Outpost keeps only the session.",
            ],
            notes: &[],
        },
        Platform::Mastodon => Guide {
            console_url: "https://joinmastodon.org/servers",
            steps: &[
                "Nothing to set up here: Outpost registers itself on your server when you connect.",
                "When connecting, enter your server's address (for example mastodon.social).",
            ],
            notes: &[],
        },
    }
}
