package dev.scaleplane.api.deployments.analysis;

import java.util.Objects;

/**
 * A test of a measured value, written as a small expression over {@code result} in the manner of Argo Rollouts'
 * {@code successCondition}: {@code result >= 0.95}, {@code result < 5}, {@code result == 0}, {@code 0.5 <= result},
 * and {@code &&}, {@code ||}, {@code !} and parentheses over such comparisons ({@code &&} binds tighter than {@code
 * ||}). Comparison operators are {@code >=}, {@code <=}, {@code >}, {@code <}, {@code ==} and {@code !=}; numbers are
 * decimal, optionally signed, with an optional exponent ({@code 1e-3}).
 *
 * <p>Build one with {@link #parse(String)} or typed ({@link #atLeast(double)}, {@link #below(double)}, ... combined with
 * {@link #and(Condition)} and {@link #or(Condition)}). {@code result} is always a number: the engine never evaluates a
 * condition on a missing value (an empty query result is a measurement error, see {@link MeasurementPhase#ERROR}).
 *
 * <p>Immutable and thread-safe. Two conditions are equal when their {@link #expression()} texts are.
 */
public final class Condition {
    private static final String EXAMPLE = "write a comparison of result with a number, e.g. result >= 0.95";

    private final String expression;
    private final Node node;

    private Condition(String expression, Node node) {
        this.expression = expression;
        this.node = node;
    }

    /**
     * Parses {@code expression}.
     *
     * @throws InvalidConditionException naming the expression, the position of the problem and the fix
     */
    public static Condition parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        String text = expression.strip();
        if (text.isEmpty()) {
            throw new InvalidConditionException(expression, 0, "the expression is empty", EXAMPLE);
        }
        return new Condition(text, new Parser(text).parseAll());
    }

    /** {@code result >= threshold}. */
    public static Condition atLeast(double threshold) {
        return comparison(Op.GE, threshold);
    }

    /** {@code result <= threshold}. */
    public static Condition atMost(double threshold) {
        return comparison(Op.LE, threshold);
    }

    /** {@code result > threshold}. */
    public static Condition above(double threshold) {
        return comparison(Op.GT, threshold);
    }

    /** {@code result < threshold}. */
    public static Condition below(double threshold) {
        return comparison(Op.LT, threshold);
    }

    /** {@code result == value}. */
    public static Condition equalTo(double value) {
        return comparison(Op.EQ, value);
    }

    /** {@code result != value}. */
    public static Condition notEqualTo(double value) {
        return comparison(Op.NE, value);
    }

    /** Both this and {@code other}: {@code this && other}. */
    public Condition and(Condition other) {
        Objects.requireNonNull(other, "other");
        return new Condition(operand(this, Or.class) + " && " + operand(other, Or.class), new And(node, other.node));
    }

    /** This or {@code other}: {@code this || other}. */
    public Condition or(Condition other) {
        Objects.requireNonNull(other, "other");
        return new Condition(expression + " || " + other.expression, new Or(node, other.node));
    }

    /** Whether {@code result} meets the condition. {@code NaN} meets no comparison but {@code !=}. */
    public boolean test(double result) {
        return node.test(result);
    }

    /** The expression: the parsed text (stripped), or the text a typed condition stands for. */
    public String expression() {
        return expression;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && c.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }

    private static Condition comparison(Op op, double threshold) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("a condition's threshold must be a finite number, but was " + threshold);
        }
        return new Condition("result " + op.symbol + " " + number(threshold), new Compare(op, threshold));
    }

    /** The operand's text, in parentheses when it is of the looser-binding kind. */
    private static String operand(Condition c, Class<? extends Node> looser) {
        return looser.isInstance(c.node) ? "(" + c.expression + ")" : c.expression;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    // ---- the expression tree ----

    private sealed interface Node permits Compare, And, Or, Not {
        boolean test(double result);
    }

    private enum Op {
        GE(">="),
        LE("<="),
        GT(">"),
        LT("<"),
        EQ("=="),
        NE("!=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean apply(double a, double b) {
            return switch (this) {
                case GE -> a >= b;
                case LE -> a <= b;
                case GT -> a > b;
                case LT -> a < b;
                case EQ -> a == b;
                case NE -> a != b;
            };
        }

        /** The operator with its operands swapped: {@code 5 < result} is {@code result > 5}. */
        Op mirrored() {
            return switch (this) {
                case GE -> LE;
                case LE -> GE;
                case GT -> LT;
                case LT -> GT;
                case EQ, NE -> this;
            };
        }
    }

    private record Compare(Op op, double value) implements Node {
        @Override
        public boolean test(double result) {
            return op.apply(result, value);
        }
    }

    private record And(Node left, Node right) implements Node {
        @Override
        public boolean test(double result) {
            return left.test(result) && right.test(result);
        }
    }

    private record Or(Node left, Node right) implements Node {
        @Override
        public boolean test(double result) {
            return left.test(result) || right.test(result);
        }
    }

    private record Not(Node inner) implements Node {
        @Override
        public boolean test(double result) {
            return !inner.test(result);
        }
    }

    /**
     * A recursive-descent parser: {@code or := and ('||' and)*}, {@code and := unary ('&&' unary)*}, {@code unary :=
     * '!' unary | '(' or ')' | comparison}, {@code comparison := operand op operand} with exactly one operand {@code
     * result} and the other a number.
     */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Node parseAll() {
            Node n = or();
            skipSpace();
            if (pos < text.length()) {
                throw error(
                        "unexpected '" + rest() + "' after a complete condition",
                        "join comparisons with && or ||, e.g. result >= 0.95 && result <= 1");
            }
            return n;
        }

        private Node or() {
            Node n = and();
            while (accept("||")) {
                n = new Or(n, and());
            }
            return n;
        }

        private Node and() {
            Node n = unary();
            while (accept("&&")) {
                n = new And(n, unary());
            }
            return n;
        }

        private Node unary() {
            skipSpace();
            if (peek("!") && !peek("!=")) {
                pos++;
                return new Not(unary());
            }
            if (accept("(")) {
                Node n = or();
                if (!accept(")")) {
                    throw error(found("a closing parenthesis ')'"), "close every '(' with a ')'");
                }
                return n;
            }
            return comparison();
        }

        private Node comparison() {
            skipSpace();
            int start = pos;
            Double leftNumber = null;
            if (!accept("result")) {
                leftNumber = number();
            }
            skipSpace();
            Op op = operator();
            skipSpace();
            if (leftNumber == null) {
                if (peek("result")) {
                    throw error("result is compared with itself", EXAMPLE);
                }
                return new Compare(op, number());
            }
            if (!accept("result")) {
                pos = start;
                throw error("a comparison of two numbers is always true or always false", EXAMPLE);
            }
            return new Compare(op.mirrored(), leftNumber);
        }

        private Op operator() {
            for (Op op : new Op[] {Op.GE, Op.LE, Op.EQ, Op.NE, Op.GT, Op.LT}) {
                if (text.startsWith(op.symbol, pos)) {
                    pos += op.symbol.length();
                    return op;
                }
            }
            throw error(found("a comparison operator (>=, <=, >, <, ==, !=)"), EXAMPLE);
        }

        private double number() {
            int start = pos;
            if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
                pos++;
            }
            int digits = 0;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
                digits++;
            }
            if (digits > 0 && pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
                    pos++;
                }
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            }
            String literal = text.substring(start, pos);
            try {
                if (digits == 0) {
                    throw new NumberFormatException(literal);
                }
                double v = Double.parseDouble(literal);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below, at the literal's start
            }
            pos = start;
            throw error(found("result or a number"), EXAMPLE);
        }

        private boolean accept(String token) {
            skipSpace();
            if (peek(token)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        private boolean peek(String token) {
            return text.startsWith(token, pos);
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private String rest() {
            return text.substring(pos);
        }

        private String found(String expected) {
            skipSpace();
            if (pos >= text.length()) {
                return "expected " + expected + " but the expression ends";
            }
            int end = pos;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            return "expected " + expected + " but found '" + text.substring(pos, end) + "'";
        }

        private InvalidConditionException error(String problem, String fix) {
            return new InvalidConditionException(text, pos, problem, fix);
        }
    }
}
