import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;

/**
 * "ONNX Runtime alone": the three image graphs of a model directory run back to back from Java on random input, with
 * the session options the service uses on CPU (all graph optimisations, intra-op threads = cores, one inter-op
 * thread, no weight prepacking, arena shrinkage), at a fixed batch size, best of three time windows. No HTTP, no
 * decoding, no preprocessing: the ceiling the service's pipeline is measured against.
 *
 * <pre>
 * java -cp onnxruntime.jar OrtAlone.java MODELS_DIR SECONDS BATCH[,BATCH...] [SPINNING[,SPINNING...]] [cpu|cuda]
 * </pre>
 *
 * With {@code cuda} the graphs run on the CUDA provider with one intra-op thread, and {@code *_fp16.onnx} siblings are
 * used when present, as the service does on a GPU.
 *
 * Prints one line per combination: {@code RESULT batch=4 spinning=false images_per_s=3.91 per_graph_ms=...}.
 */
public class OrtAlone {

    static final int WINDOWS = 3;

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        String[] batches = args[2].split(",");
        String[] spinning = (args.length > 3 ? args[3] : "false").split(",");
        boolean cuda = args.length > 4 && args[4].equals("cuda");
        String[][] graphs = {{"nsfw/model.onnx", "logits"}, {"clip/vision_model.onnx", "image_embeds"},
                {"siglip/vision_model.onnx", "image_embeds"}};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int threads = cuda ? 1 : Runtime.getRuntime().availableProcessors();
        for (String spin : spinning) {
            OrtSession[] sessions = new OrtSession[graphs.length];
            try (SessionOptions options = new SessionOptions();
                    OrtSession.RunOptions runOptions = new OrtSession.RunOptions()) {
                if (!cuda) {
                    // The service's CPU default (validator.inference.arena-shrinkage).
                    runOptions.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
                }
                options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", Boolean.parseBoolean(spin) ? "1" : "0");
                // The service's default (validator.inference.prepack-weights=false).
                options.addConfigEntry("session.disable_prepacking", "1");
                options.setMemoryPatternOptimization(!cuda);
                if (cuda) {
                    options.addCUDA(0);
                }
                for (int g = 0; g < graphs.length; g++) {
                    Path graph = models.resolve(graphs[g][0]);
                    Path fp16 = graph.resolveSibling(graph.getFileName().toString().replace(".onnx", "_fp16.onnx"));
                    sessions[g] = env.createSession((cuda && java.nio.file.Files.isRegularFile(fp16) ? fp16 : graph)
                            .toString(), options);
                }
                for (String b : batches) {
                    int batch = Integer.parseInt(b);
                    FloatBuffer input = randomImages(batch);
                    run(env, sessions, graphs, input, batch, new double[graphs.length], runOptions); // warm-up
                    // Three windows, the best one reported: a ceiling should not carry a neighbour's burst of load.
                    double best = 0;
                    String bestPerGraph = "";
                    int totalRounds = 0;
                    for (int window = 0; window < WINDOWS; window++) {
                        double[] graphSeconds = new double[graphs.length];
                        int rounds = 0;
                        long start = System.nanoTime();
                        while (rounds == 0 || System.nanoTime() - start < seconds * 1e9 / WINDOWS) {
                            run(env, sessions, graphs, input, batch, graphSeconds, runOptions);
                            rounds++;
                        }
                        double rate = rounds * batch / ((System.nanoTime() - start) / 1e9);
                        totalRounds += rounds;
                        if (rate > best) {
                            best = rate;
                            StringBuilder perGraph = new StringBuilder();
                            for (int g = 0; g < graphs.length; g++) {
                                perGraph.append(g == 0 ? "" : "/")
                                        .append(String.format(Locale.ROOT, "%.0f", 1000 * graphSeconds[g] / rounds));
                            }
                            bestPerGraph = perGraph.toString();
                        }
                    }
                    System.out.printf(Locale.ROOT, "RESULT batch=%d spinning=%s images_per_s=%.3f per_graph_ms=%s "
                            + "rounds=%d threads=%d provider=%s%n", batch, spin, best, bestPerGraph, totalRounds,
                            threads, cuda ? "cuda" : "cpu");
                }
            } finally {
                for (OrtSession s : sessions) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    static void run(OrtEnvironment env, OrtSession[] sessions, String[][] graphs, FloatBuffer input, int batch,
            double[] graphSeconds, OrtSession.RunOptions runOptions) throws Exception {
        for (int g = 0; g < sessions.length; g++) {
            long t0 = System.nanoTime();
            try (OnnxTensor x = OnnxTensor.createTensor(env, input.duplicate(), new long[] {batch, 3, 224, 224});
                    OrtSession.Result r = sessions[g].run(Map.of("pixel_values", x), java.util.Set.of(graphs[g][1]),
                            runOptions)) {
                r.get(0).getValue();
            }
            graphSeconds[g] += (System.nanoTime() - t0) / 1e9;
        }
    }

    static FloatBuffer randomImages(int batch) {
        int n = batch * 3 * 224 * 224;
        FloatBuffer buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            buffer.put(i, (float) (random.nextDouble() * 2 - 1));
        }
        return buffer;
    }
}
