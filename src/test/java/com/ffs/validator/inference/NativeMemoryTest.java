package com.ffs.validator.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Linker;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    private static final boolean GLIBC = Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version")
            .isPresent();

    @Test
    void setsTheMmapThresholdWhereGlibcRuns() {
        assertEquals(GLIBC, NativeMemory.mapLargeAllocations(1 << 20));
    }

    @Test
    void refusesThresholdsMalloptCannotTake() {
        assertFalse(NativeMemory.mapLargeAllocations(0));
        assertFalse(NativeMemory.mapLargeAllocations(-1));
        assertFalse(NativeMemory.mapLargeAllocations(1L << 40));
    }
}
