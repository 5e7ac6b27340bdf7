package io.stepwise.api.definitions;

/** The roles of API.md's "Security" table; admin includes operator, operator includes viewer (application.properties). */
public final class Roles {
    public static final String VIEWER = "stepwise.viewer";
    public static final String OPERATOR = "stepwise.operator";
    public static final String ADMIN = "stepwise.admin";

    private Roles() {
    }
}
