//! Campaigns grouping posts and ideas.

table! {
    /// A campaign; dates are calendar dates `YYYY-MM-DD` (inclusive), not instants.
    pub struct Campaign in "campaigns" as "campaign" order by "created_at, id" {
        pub id: String,
        pub name: String,
        /// CSS colour, e.g. `#3b82f6`.
        pub colour: String,
        pub start_date: Option<String>,
        pub end_date: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}
