package dev.scaleplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the READMEs' Java code equal to the compiled sources in this module: every {@code ```java} block in the root
 * README and the samples' READMEs sits right below a {@code <!-- snippet: path -->} marker naming a source file, and
 * reads exactly as that file's imports, a blank line, and the file's {@code // tag::readme[]} region without its
 * indentation. {@link ReadmeExamplesTest} runs the sources, so a README example that stops compiling or working fails
 * the build, and so does a README block edited without its source.
 */
class ReadmeSnippetsTest {

    private static final Pattern MARKER = Pattern.compile("^<!-- snippet: (\\S+) -->$");
    private static final String TAG = "// tag::readme[]";
    private static final String END = "// end::readme[]";

    private static final Path ROOT = Path.of(System.getProperty("scaleplane.repository.root", "../.."))
            .toAbsolutePath()
            .normalize();

    /** A README's Java block: where it is, the source its marker names (null without marker), and its text. */
    record Block(Path readme, int line, String source, String text) {
        String where() {
            return ROOT.relativize(readme) + ":" + line;
        }
    }

    @Test
    void everyJavaBlockEqualsItsCompiledSource() throws IOException {
        List<Block> blocks = javaBlocks();
        assertThat(blocks).as("Java blocks found in %s", readmes()).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Block block : blocks) {
            if (block.source() == null) {
                problems.add(block.where() + ": a ```java block without a '<!-- snippet: <source path> -->' line right"
                        + " above it; put the code in a class under samples/docs/src/main/java and name it there");
                continue;
            }
            Path source = ROOT.resolve(block.source());
            if (!Files.isRegularFile(source)) {
                problems.add(block.where() + ": the snippet source " + block.source() + " does not exist");
                continue;
            }
            String expected = snippet(source);
            if (!expected.equals(block.text())) {
                problems.add(block.where() + ": differs from " + block.source()
                        + "; the block must read (imports, a blank line, the tag::readme[] region):\n```java\n"
                        + expected + "```");
            }
        }
        assertThat(problems)
                .as("README Java blocks out of step with their sources")
                .isEmpty();
    }

    @Test
    void everySnippetSourceIsShownInAReadme() throws IOException {
        Set<String> shown = javaBlocks().stream()
                .map(Block::source)
                .filter(s -> s != null)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> tagged = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("samples/docs/src/main/java"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .anyMatch(l -> l.strip().equals(TAG))) {
                    tagged.add(ROOT.relativize(file).toString().replace('\\', '/'));
                }
            }
        }
        assertThat(tagged).as("README examples under samples/docs/").isNotEmpty();
        assertThat(shown).as("sources that README blocks show").containsAll(tagged);
    }

    @Test
    void snippetIsImportsThenTheDedentedRegion() throws IOException {
        Path file = Files.createTempFile("Snippet", ".java");
        try {
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "package x;",
                            "",
                            "import a.B;",
                            "import static c.D.e;",
                            "",
                            "class Snippet {",
                            "    // tag::readme[]",
                            "    void f() {",
                            "",
                            "        e(B.g());",
                            "    }",
                            "    // end::readme[]",
                            "}",
                            ""));
            assertThat(snippet(file))
                    .isEqualTo("import a.B;\nimport static c.D.e;\n\nvoid f() {\n\n    e(B.g());\n}\n");
        } finally {
            Files.delete(file);
        }
    }

    /** The root README and the samples' READMEs. */
    private static List<Path> readmes() throws IOException {
        List<Path> readmes = new ArrayList<>();
        readmes.add(ROOT.resolve("README.md"));
        try (Stream<Path> samples = Files.list(ROOT.resolve("samples"))) {
            samples.map(dir -> dir.resolve("README.md"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(readmes::add);
        }
        return readmes;
    }

    private static List<Block> javaBlocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Path readme : readmes()) {
            List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1).strip()) : null;
                String source = marker != null && marker.matches() ? marker.group(1) : null;
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).strip().equals("```")) {
                    text.append(lines.get(j)).append('\n');
                    j++;
                }
                blocks.add(new Block(readme, i + 1, source, text.toString()));
                i = j;
            }
        }
        return blocks;
    }

    /** What a README block showing {@code source} must read. */
    static String snippet(Path source) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("import ")) {
                out.append(line).append('\n');
            }
        }
        int start = indexOf(lines, TAG, 0, source);
        int end = indexOf(lines, END, start + 1, source);
        List<String> region = lines.subList(start + 1, end);
        int indent = region.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        if (out.length() > 0) {
            out.append('\n');
        }
        for (String line : region) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static int indexOf(List<String> lines, String marker, int from, Path source) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError(source + " has no line '" + marker + "'" + (from > 0 ? " after its start tag" : ""));
    }
}
