package dev.scaleplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what is written to {@code System.out} and {@code System.err} while open, still passing it on, so that a test
 * can check log lines (slf4j-simple writes to whatever {@code System.err} is at each call) or make sure a secret
 * never reaches them.
 *
 * <pre>{@code
 * try (CapturedOutput output = new CapturedOutput()) {
 *     platform.tasks().submit(request);
 *     assertThat(output.text()).doesNotContain(password);
 * }
 * String printed = CapturedOutput.of(() -> recorder.publish(platform, topic, event));
 * }</pre>
 *
 * <p>Captures nest: an inner one sees only what was written while it was open, the outer one sees that too. Output of
 * every thread is captured while open. Thread-safe; open and close it on one thread.
 */
public final class CapturedOutput implements AutoCloseable {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    /** Starts capturing; {@link #close()} restores the streams found here. */
    public CapturedOutput() {
        System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code action} and returns what it wrote to the standard streams meanwhile.
     *
     * @throws RuntimeException whatever {@code action} throws, after the streams are restored
     */
    public static String of(Runnable action) {
        try (CapturedOutput output = new CapturedOutput()) {
            action.run();
            return output.text();
        }
    }

    /** Everything captured so far, decoded as UTF-8. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Restores the streams found when this capture started. */
    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
    }

    private static final class Tee extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream target, ByteArrayOutputStream copy) {
            this.target = target;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            target.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}
