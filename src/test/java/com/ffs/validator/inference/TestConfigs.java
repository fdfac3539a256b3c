package com.ffs.validator.inference;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;

/** Hand-built configuration objects for tests that run without Quarkus. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static InferenceConfig cpu() {
        return withDevice(InferenceConfig.Device.CPU);
    }

    public static ModelsConfig models(Path dir, boolean demo) {
        return new ModelsConfig() {
            public Path dir() {
                return dir;
            }

            public boolean demo() {
                return demo;
            }

            public boolean exitOnFailure() {
                return false;
            }

            public Overrides nsfw() {
                return ModelDirectoryTest.NONE;
            }

            public Overrides clip() {
                return ModelDirectoryTest.NONE;
            }

            public Overrides siglip() {
                return ModelDirectoryTest.NONE;
            }
        };
    }

    public static InferenceConfig withDevice(InferenceConfig.Device device) {
        return new Inference(device);
    }

    /** Inference settings with the documented defaults, changeable field by field. */
    static class Inference implements InferenceConfig {
        Device device;
        Optional<Integer> intraOpThreads = Optional.of(1);
        Optional<Integer> concurrentRuns = Optional.empty();
        boolean allowSpinning;
        Optional<Boolean> memoryPattern = Optional.empty();
        Optional<MemorySize> gpuMemLimit = Optional.empty();
        ArenaExtendStrategy arenaExtendStrategy = ArenaExtendStrategy.NEXT_POWER_OF_TWO;
        CudnnConvAlgoSearch cudnnConvAlgoSearch = CudnnConvAlgoSearch.HEURISTIC;
        boolean tensorrtFp16 = true;
        boolean fp16Graphs = true;
        Optional<Path> optimizedModelCache = Optional.empty();
        int instances = 1;
        int maxQueuedTextRequests = 32;
        final Batching batching = new Batching() {
            public int maxBatchSize() {
                return 4;
            }

            public Duration maxQueueDelay() {
                return Duration.ofMillis(2);
            }

            public int maxQueuedImages() {
                return 16;
            }

            public int instances() {
                return instances;
            }
        };

        Inference(Device device) {
            this.device = device;
        }

        public Device device() {
            return device;
        }

        public int cudaDeviceId() {
            return 0;
        }

        public Optional<Integer> intraOpThreads() {
            return intraOpThreads;
        }

        public int interOpThreads() {
            return 1;
        }

        public boolean allowSpinning() {
            return allowSpinning;
        }

        public Optional<Integer> concurrentRuns() {
            return concurrentRuns;
        }

        public String optimizationLevel() {
            return "all";
        }

        public Optional<Boolean> memoryPattern() {
            return memoryPattern;
        }

        public boolean cpuArena() {
            return true;
        }

        public MemorySize nativeMmapThreshold() {
            return new MemorySize(BigInteger.valueOf(1 << 20));
        }

        public boolean prepackWeights() {
            return false;
        }

        public Optional<Boolean> arenaShrinkage() {
            return Optional.empty();
        }

        public Optional<MemorySize> cudaGpuMemLimit() {
            return gpuMemLimit;
        }

        public ArenaExtendStrategy cudaArenaExtendStrategy() {
            return arenaExtendStrategy;
        }

        public CudnnConvAlgoSearch cudaCudnnConvAlgoSearch() {
            return cudnnConvAlgoSearch;
        }

        public boolean tensorrt() {
            return false;
        }

        public Optional<Path> tensorrtCacheDir() {
            return Optional.empty();
        }

        public boolean tensorrtFp16() {
            return tensorrtFp16;
        }

        public boolean fp16Graphs() {
            return fp16Graphs;
        }

        public Optional<Path> optimizedModelCache() {
            return optimizedModelCache;
        }

        public int maxQueuedTextRequests() {
            return maxQueuedTextRequests;
        }

        public Batching nsfw() {
            return batching;
        }

        public Batching clip() {
            return batching;
        }

        public Batching siglip() {
            return batching;
        }
    }
}
