package dev.scaleplane.core.internal.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.deployments.analysis.Condition;
import dev.scaleplane.api.deployments.analysis.InvalidConditionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing and evaluating analysis conditions, and the errors a bad expression gets. */
class ConditionTest {

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @CsvSource(
            delimiter = ';',
            value = {
                "result >= 0.95 ; 0.95 ; true",
                "result >= 0.95 ; 0.9499 ; false",
                "result > 0.95 ; 0.95 ; false",
                "result < 5 ; 4.99 ; true",
                "result < 5 ; 5 ; false",
                "result <= 5 ; 5 ; true",
                "result == 0 ; 0 ; true",
                "result == 0 ; 0.001 ; false",
                "result != 0 ; 0.001 ; true",
                "0.5 <= result ; 0.5 ; true",
                "0.5 < result ; 0.5 ; false",
                "5 > result ; 4 ; true",
                "result >= -1e-3 ; -0.001 ; true",
                "result >= +2.5E2 ; 250 ; true",
                "result >= 0.9 && result <= 1 ; 0.95 ; true",
                "result >= 0.9 && result <= 1 ; 1.01 ; false",
                "result < 1 || result > 10 ; 11 ; true",
                "result < 1 || result > 10 ; 5 ; false",
                // && binds tighter than ||: true || (false && false)
                "result == 1 || result == 2 && result == 3 ; 1 ; true",
                "(result == 1 || result == 2) && result == 3 ; 1 ; false",
                "!(result > 5) ; 5 ; true",
                "!(result > 5) ; 6 ; false",
                "  result>=1&&result<=2  ; 1.5 ; true",
            })
    void parsedConditionsEvaluate(String expression, double result, boolean expected) {
        assertThat(Condition.parse(expression).test(result)).isEqualTo(expected);
    }

    @Test
    void typedConditionsWriteTheExpressionTheyStandFor() {
        Condition c = Condition.atLeast(0.95).and(Condition.below(1.5).or(Condition.equalTo(2)));

        assertThat(c.expression()).isEqualTo("result >= 0.95 && (result < 1.5 || result == 2)");
        assertThat(c.test(0.96)).isTrue();
        assertThat(c.test(2)).isTrue();
        assertThat(c.test(1.7)).isFalse();
        assertThat(c.test(0.9)).isFalse();
        assertThat(Condition.parse(c.expression())).isEqualTo(c);
        assertThat(Condition.atMost(5).expression()).isEqualTo("result <= 5");
        assertThat(Condition.above(-0.5).expression()).isEqualTo("result > -0.5");
        assertThat(Condition.notEqualTo(0).test(0)).isFalse();
        assertThat(Condition.parse("  result >= 0.95 ").expression()).isEqualTo("result >= 0.95");
    }

    @Test
    void typedThresholdsMustBeFinite() {
        assertThatThrownBy(() -> Condition.atLeast(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a condition's threshold must be a finite number, but was NaN");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "result => 0.95 | 7 | expected a comparison operator (>=, <=, >, <, ==, !=) but found '=>'",
                "result >= | 9 | expected result or a number but the expression ends",
                "result >= abc | 10 | expected result or a number but found 'abc'",
                "value >= 1 | 0 | expected result or a number but found 'value'",
                "result >= 1 &&  | 14 | expected result or a number but the expression ends",
                "(result >= 1 | 12 | expected a closing parenthesis ')' but the expression ends",
                "result >= 1 result | 12 | unexpected 'result' after a complete condition",
                "result >= 1 & result < 2 | 12 | unexpected '& result < 2' after a complete condition",
                "1 < 2 | 0 | a comparison of two numbers is always true or always false",
                "result == result | 10 | result is compared with itself",
                "result >= 1.2.3 | 10 | expected result or a number but found '1.2.3'",
            })
    void badExpressionsNameThePositionAndTheFix(String expression, int position, String problem) {
        assertThatThrownBy(() -> Condition.parse(expression))
                .isInstanceOfSatisfying(InvalidConditionException.class, e -> {
                    assertThat(e.expression()).isEqualTo(expression.strip());
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.getMessage())
                            .isEqualTo("cannot parse condition \"" + expression.strip() + "\" at position " + position
                                    + ": " + problem + "; " + e.fix());
                    assertThat(e.fix()).isNotBlank();
                })
                .isInstanceOf(ScaleplaneException.class);
    }

    @Test
    void anEmptyExpressionIsAnError() {
        assertThatThrownBy(() -> Condition.parse("   "))
                .isInstanceOf(InvalidConditionException.class)
                .hasMessage("cannot parse condition \"   \" at position 0: the expression is empty; write a comparison"
                        + " of result with a number, e.g. result >= 0.95");
    }
}
