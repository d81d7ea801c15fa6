package dev.nightbench.store;

import dev.nightbench.support.TestDatabase;

/** The store contract on the embedded PostgreSQL (always runs; no Docker needed). */
class EmbeddedPostgresStoreTest extends StoreContract {

    private static final String URL = TestDatabase.newDatabase();

    @Override
    String jdbcUrl() {
        return URL;
    }

    @Override
    String user() {
        return "postgres";
    }

    @Override
    String password() {
        return "";
    }
}
