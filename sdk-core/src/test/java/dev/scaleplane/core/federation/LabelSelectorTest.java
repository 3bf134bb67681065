package dev.scaleplane.core.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.federation.InvalidSelectorException;
import dev.scaleplane.api.federation.LabelSelector;
import dev.scaleplane.api.federation.LabelSelector.Operator;
import dev.scaleplane.api.federation.LabelSelector.Requirement;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LabelSelector#parse(String)} of the API module, tested here because sdk-api has no test dependencies: every
 * operator, whitespace, the canonical text and its round trip, and the positions of parse errors.
 */
class LabelSelectorTest {

    private static Requirement only(String selector) {
        assertThat(LabelSelector.parse(selector).requirements()).hasSize(1);
        return LabelSelector.parse(selector).requirements().get(0);
    }

    @Test
    void everyOperator() {
        assertThat(only("env=prod")).isEqualTo(new Requirement("env", Operator.EQUALS, Set.of("prod")));
        assertThat(only("env==prod")).isEqualTo(new Requirement("env", Operator.EQUALS, Set.of("prod")));
        assertThat(only("env!=prod")).isEqualTo(new Requirement("env", Operator.NOT_EQUALS, Set.of("prod")));
        assertThat(only("env in (prod,stage)")).isEqualTo(new Requirement("env", Operator.IN, Set.of("prod", "stage")));
        assertThat(only("env notin (prod)")).isEqualTo(new Requirement("env", Operator.NOT_IN, Set.of("prod")));
        assertThat(only("env")).isEqualTo(new Requirement("env", Operator.EXISTS, Set.of()));
        assertThat(only("!env")).isEqualTo(new Requirement("env", Operator.DOES_NOT_EXIST, Set.of()));
        assertThat(only("example.com/tier=web").key()).isEqualTo("example.com/tier");
    }

    @Test
    void operatorsMatchAsInKubernetes() {
        Map<String, String> prod = Map.of("env", "prod");
        Map<String, String> none = Map.of();
        assertThat(LabelSelector.parse("env=prod").matches(prod)).isTrue();
        assertThat(LabelSelector.parse("env!=prod").matches(none)).isTrue();
        assertThat(LabelSelector.parse("env notin (prod)").matches(none)).isTrue();
        assertThat(LabelSelector.parse("env in (prod)").matches(none)).isFalse();
        assertThat(LabelSelector.parse("!env").matches(prod)).isFalse();
        assertThat(LabelSelector.parse("env,env=prod").matches(prod)).isTrue();
        assertThat(LabelSelector.parse("env,env=dev").firstUnmet(prod)).hasToString("env=dev");
    }

    @Test
    void whitespaceAroundTokensIsIgnored() {
        LabelSelector spaced = LabelSelector.parse("  env = prod ,  tier  in ( web , api )  ,  !  legacy , zone  ");
        assertThat(spaced).isEqualTo(LabelSelector.parse("env=prod,tier in (api,web),!legacy,zone"));
        assertThat(spaced).hasToString("env=prod,!legacy,tier in (api,web),zone");
    }

    @Test
    void theEmptySelectorSelectsEverything() {
        assertThat(LabelSelector.parse("")).isSameAs(LabelSelector.everything());
        assertThat(LabelSelector.parse("   ")).isSameAs(LabelSelector.everything());
        assertThat(LabelSelector.everything()).hasToString("");
        assertThat(LabelSelector.everything().matches(Map.of("any", "thing"))).isTrue();
    }

    @Test
    void theCanonicalTextIsSortedAndReadsBack() {
        LabelSelector s = LabelSelector.parse("tier in (web, api),env==prod,!legacy, env!=dev,region notin (us,ap)");
        assertThat(s).hasToString("env=prod,env!=dev,!legacy,region notin (ap,us),tier in (api,web)");
        assertThat(LabelSelector.parse(s.toString())).isEqualTo(s);
        assertThat(LabelSelector.parse(s.toString())).hasToString(s.toString());
        assertThat(LabelSelector.matchLabels(Map.of("b", "2", "a", "1"))).hasToString("a=1,b=2");
    }

    @Test
    void anEmptyValueIsAValidValueAsInKubernetes() {
        // Kubernetes accepts "env=" as env equal to the empty value; so does this parser.
        LabelSelector s = LabelSelector.parse("env=");
        assertThat(s.requirements()).containsExactly(new Requirement("env", Operator.EQUALS, Set.of("")));
        assertThat(s.matches(Map.of("env", ""))).isTrue();
        assertThat(s.matches(Map.of("env", "prod"))).isFalse();
        assertThat(LabelSelector.parse(s.toString())).isEqualTo(s);
    }

    @ParameterizedTest(name = "''{0}'' fails at {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tier in (a,b|12|',' or ')' in the value list",
                "=x|0|a label key",
                "a b|2|an operator (=, ==, !=, in, notin)",
                "a,|2|a label key",
                "tier in a|8|'(' after in",
                "!|1|a label key",
                "env=prod)|8|',' or the end",
                "env=-x|4|a label value",
                "Env_=x|0|a label key such as 'tier' or 'example.com/tier'",
                "env!==x|5|',' or the end"
            })
    void badInputNamesThePositionAndWhatWasExpected(String selector, int position, String expected) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOfSatisfying(InvalidSelectorException.class, e -> {
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.selector()).isEqualTo(selector);
                })
                .hasMessageContaining("label selector '" + selector + "' does not parse at position " + position
                        + ": expected " + expected);
    }
}
