package dev.scaleplane.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    @Test
    void parsesAndFormatsTheW3cExample() {
        String header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TraceParent t = TraceParent.parse(header);
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(t.sampled()).isTrue();
        assertThat(t).hasToString(header);
    }

    @Test
    void childKeepsTheTraceAndChangesTheParent() {
        TraceParent root = TraceParent.newRoot();
        TraceParent child = root.child();
        assertThat(child.traceId()).isEqualTo(root.traceId());
        assertThat(child.parentId()).isNotEqualTo(root.parentId());
        assertThat(TraceParent.parse(child.toString())).isEqualTo(child);
    }

    @Test
    void rejectsMalformedValues() {
        assertThatThrownBy(() -> TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .hasMessageContaining("all zero");
        assertThatThrownBy(() -> TraceParent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
                .hasMessageContaining("lower-case");
    }
}
