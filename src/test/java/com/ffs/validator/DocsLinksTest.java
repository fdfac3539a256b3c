package com.ffs.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README stays short and the documents' relative links lead somewhere: every {@code ](path#anchor)} names a file
 * that exists and, with an anchor, a heading of that file as GitHub renders its id.
 */
class DocsLinksTest {

    private static final int README_MAX_LINES = 250;
    private static final Pattern LINK = Pattern.compile("\\]\\(([^()\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern INLINE_LINK = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");

    @Test
    void readmeShouldStayShort() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md")).size()).as("README.md lines")
                .isLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void everyRelativeLinkShouldReachAFileAndHeading() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).contains(Path.of("README.md"), Path.of("DEPLOY.md"), Path.of("BENCHMARKS.md"));
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path document : documents) {
            for (String target : links(document)) {
                links++;
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(document + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(links).as("relative links found").isGreaterThan(20);
        assertThat(broken).as("links to a missing file or heading").isEmpty();
    }

    @Test
    void anchorsShouldFollowGithubsRules() {
        assertThat(anchors(List.of("## Native: `POST /v1/validate`", "### Text search (SigLIP)",
                "### Size on disk and GPU memory", "### Troubleshooting", "### Troubleshooting")))
                .containsExactlyInAnyOrder("native-post-v1validate", "text-search-siglip",
                        "size-on-disk-and-gpu-memory", "troubleshooting", "troubleshooting-1");
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("DEPLOY.md"),
                Path.of("BENCHMARKS.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** Relative link targets outside fenced code blocks. */
    private static List<String> links(Path document) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(document)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                String target = m.group(1);
                if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /** Why a link from {@code document} to {@code target} leads nowhere, or null when it leads somewhere. */
    private static String problem(Path document, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "anchor into a file that is not markdown";
        }
        return anchors(headings(file)).contains(anchor) ? null : "no such heading";
    }

    private static List<String> headings(Path file) throws IOException {
        List<String> headings = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(file)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && HEADING.matcher(line).matches()) {
                headings.add(line);
            }
        }
        return headings;
    }

    /** GitHub's heading ids: rendered text, lower case, punctuation but '-' and '_' dropped, spaces as '-'. */
    static Set<String> anchors(List<String> headings) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String heading : headings) {
            Matcher m = HEADING.matcher(heading);
            if (!m.matches()) {
                continue;
            }
            String text = INLINE_LINK.matcher(m.group(1)).replaceAll("$1").replace("`", "").replace("*", "");
            String id = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(id, 1, Integer::sum);
            anchors.add(n == 1 ? id : id + "-" + (n - 1));
        }
        return anchors;
    }
}
