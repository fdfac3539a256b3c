package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Dev mode recompiles a changed class with the compiler plugin's arguments, but drops an option given apart from its
 * value ({@code --add-modules}, then {@code jdk.incubator.vector}) and then fails with "invalid flag": live reload of
 * Java code stopped working. Every argument carries its value ({@code --add-modules=jdk.incubator.vector}).
 */
class CompilerArgsTest {

    @Test
    void everyCompilerArgumentShouldBeAnOptionWithItsValue() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher block = Pattern.compile("<compilerArgs>(.*?)</compilerArgs>", Pattern.DOTALL).matcher(pom);
        List<String> args = new ArrayList<>();
        while (block.find()) {
            Matcher arg = Pattern.compile("<arg>\\s*(.*?)\\s*</arg>").matcher(block.group(1));
            while (arg.find()) {
                args.add(arg.group(1));
            }
        }
        assertThat(args).as("the compiler plugin's arguments").isNotEmpty().allSatisfy(a -> assertThat(a)
                .startsWith("-").doesNotMatch("--add-modules|--add-exports|--add-opens|--add-reads|--release"));
    }
}
