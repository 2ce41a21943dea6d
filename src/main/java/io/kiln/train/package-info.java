/**
 * Trainers, data sets and metrics on Kiln's eager kernel API: the library behind {@code kiln train}.
 *
 * <p><b>Layers of this package.</b>
 * <ul>
 *   <li>{@link io.kiln.train.Ops}: the only way trainers call kernels. It forwards each call to a
 *       {@link io.kiln.core.Backend} chosen with {@link io.kiln.core.Backends#select(String)} and counts it: the
 *       op's catalog cost ({@link io.kiln.core.Op#cost}) and wall time go to a {@link io.kiln.train.CostMeter},
 *       and every tensor allocated is counted (tests prove training allocates nothing after its first epoch).</li>
 *   <li>Models and trainers, all {@link io.kiln.train.Classifier}s: {@link io.kiln.train.MlpTrainer} over an
 *       {@link io.kiln.train.Mlp} (any depth and width; no hidden layer is multinomial logistic regression) with
 *       {@link io.kiln.train.SgdOptimizer}, {@link io.kiln.train.AdamOptimizer} or full-batch
 *       {@link io.kiln.train.Lbfgs}, {@link io.kiln.train.LrSchedule}s and time budgets;
 *       {@link io.kiln.train.Perceptron}; {@link io.kiln.train.KNearestNeighbours} (distances by GEMM, optional
 *       Hart condensing).</li>
 *   <li>Data: {@link io.kiln.train.Dataset}, {@link io.kiln.train.DataSplit}, {@link io.kiln.train.IdxReader}
 *       (MNIST / Fashion-MNIST), {@link io.kiln.train.CsvReader}, the generated
 *       {@link io.kiln.train.EmbeddedDataset}, and {@link io.kiln.train.DataSources} which resolves
 *       {@code --data}.</li>
 *   <li>Measurement: {@link io.kiln.train.Evaluation} (latency, throughput, forward cost per example),
 *       {@link io.kiln.train.ClassificationMetrics} (accuracy, precision, recall, F1, confusion matrix),
 *       {@link io.kiln.train.TrainReport} (text and JSON), {@link io.kiln.train.ProgressBar}.</li>
 * </ul>
 *
 * <p><b>Eager now, graph later.</b> Trainers call kernels directly (DESIGN.md allows it). Everything a step needs
 * is preallocated per batch size in an {@link io.kiln.train.Mlp.Workspace}, and the model's
 * {@link io.kiln.train.Mlp#forward} / {@link io.kiln.train.Mlp#forwardBackward} are the only places that issue the
 * forward and backward kernels, so moving to a compiled graph replaces those two methods and leaves the trainers,
 * optimizers, data and reports as they are.
 *
 * <p><b>Reproducibility.</b> Initialization, shuffles, dropout masks (Philox with per-step offsets) and samples all
 * derive from one seed; a run is bit-reproducible on a backend and matches across backends up to float rounding
 * (tested).
 */
package io.kiln.train;
