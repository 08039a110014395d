fn main() {
    // The migrations are compiled in (sqlx::migrate!): rebuild when one is added or changed.
    println!("cargo:rerun-if-changed=migrations");
}
