package dev.scaleplane.events.kafka;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Writes to a capture buffer and passes everything on: installed as {@code System.err}, it captures slf4j-simple's
 * lines, which go to whatever {@code System.err} is at the time of each log call.
 */
final class Tee extends OutputStream {
    private final ByteArrayOutputStream copy;
    private final PrintStream target;

    Tee(ByteArrayOutputStream copy, PrintStream target) {
        this.copy = copy;
        this.target = target;
    }

    @Override
    public synchronized void write(int b) {
        copy.write(b);
        target.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        copy.write(b, off, len);
        target.write(b, off, len);
    }
}
