package io.stepwise.core.expr;

/** An expression that failed to compile or to evaluate. {@code offset} is 0-based within the expression text. */
public final class ExpressionException extends Exception {
    private final int offset;

    public ExpressionException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
