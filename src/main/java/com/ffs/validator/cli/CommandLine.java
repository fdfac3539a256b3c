package com.ffs.validator.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options one subcommand takes, how to parse them ({@code --name value}, {@code --name=value}, flags) and the
 * {@code --help} text that lists them.
 */
final class CommandLine {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /**
     * One option.
     *
     * @param name without the leading dashes
     * @param value placeholder of its value in the help text; null for a flag
     * @param description one or more lines of help
     */
    record Option(String name, String value, String description) {

        static Option flag(String name, String description) {
            return new Option(name, null, description);
        }

        static Option valued(String name, String value, String description) {
            return new Option(name, value, description);
        }
    }

    private final String command;
    private final String synopsis;
    private final String about;
    private final Map<String, Option> options = new LinkedHashMap<>();

    CommandLine(String command, String synopsis, String about, List<Option> options) {
        this.command = command;
        this.synopsis = synopsis;
        this.about = about;
        for (Option option : options) {
            this.options.put(option.name(), option);
        }
        this.options.put("help", Option.flag("help", "print this help and exit"));
    }

    /**
     * Parses the arguments after the subcommand's name.
     *
     * @throws CliFailure (usage) for an unknown option, a missing value or a stray argument
     */
    Parsed parse(List<String> args) throws CliFailure {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Parsed(command, Map.of("help", "true"));
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw usage("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            Option option = options.get(name);
            if (option == null) {
                throw usage("unknown option --" + name);
            }
            String value;
            if (option.value() == null) {
                if (eq >= 0) {
                    throw usage("--" + name + " takes no value");
                }
                value = "true";
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw usage("--" + name + " needs a value (" + option.value() + ")");
            }
            if (values.put(name, value) != null) {
                throw usage("--" + name + " is given more than once");
            }
        }
        return new Parsed(command, values);
    }

    /** The help text: synopsis, what the command does, every option, the exit statuses. */
    String help() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: ").append(synopsis).append("\n\n").append(about.strip()).append("\n\nOptions:\n");
        for (Option option : options.values()) {
            String left = "  --" + option.name() + (option.value() == null ? "" : " " + option.value());
            List<String> lines = option.description().lines().toList();
            out.append(left.length() < 28 ? String.format(Locale.ROOT, "%-28s", left) : left + "\n" + " ".repeat(28))
                    .append(lines.getFirst()).append('\n');
            for (String line : lines.subList(1, lines.size())) {
                out.append(" ".repeat(28)).append(line).append('\n');
            }
        }
        return out.append('\n').append(ExitCodes.help()).toString();
    }

    private CliFailure usage(String message) {
        return new CliFailure(ExitCodes.USAGE, command + ": " + message + " (see " + command + " --help)");
    }

    /** Parsed option values; typed getters check them and say which option is wrong. */
    static final class Parsed {

        private final String command;
        private final Map<String, String> values;

        Parsed(String command, Map<String, String> values) {
            this.command = command;
            this.values = Map.copyOf(values);
        }

        boolean help() {
            return values.containsKey("help");
        }

        boolean flag(String name) {
            return values.containsKey(name);
        }

        Optional<String> get(String name) {
            return Optional.ofNullable(values.get(name));
        }

        String required(String name) throws CliFailure {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw invalid("--" + name + " is required");
            }
            return value;
        }

        int integer(String name, int defaultValue, int min, int max) throws CliFailure {
            String value = values.get(name);
            if (value == null) {
                return defaultValue;
            }
            try {
                int parsed = Integer.parseInt(value.strip());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid("--" + name + " must be a whole number from " + min + " to " + max + ", got '" + value
                    + "'");
        }

        double number(String name, double defaultValue, double min, double max) throws CliFailure {
            String value = values.get(name);
            if (value == null) {
                return defaultValue;
            }
            try {
                double parsed = Double.parseDouble(value.strip());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid("--" + name + " must be a number from " + min + " to " + max + ", got '" + value + "'");
        }

        Duration duration(String name, Duration defaultValue) throws CliFailure {
            String value = values.get(name);
            if (value == null) {
                return defaultValue;
            }
            Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw invalid("--" + name + " must be a duration like 500ms, 30s, 10m or 1h, got '" + value + "'");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }

        CliFailure invalid(String message) {
            return new CliFailure(ExitCodes.USAGE, command + ": " + message + " (see " + command + " --help)");
        }
    }
}
