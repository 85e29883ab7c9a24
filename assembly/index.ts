// The module's entry: every export of every model. Only numbers cross this boundary (i32, f64,
// addresses as byte offsets); the TS side documents the ABI in src/core/abi.ts.
export { alloc, heap_top } from "./memory";
export { dot_f64, dot_f32, simd_enabled } from "./simd";
export {
  rng_stream_seed,
  rng_seed,
  rng_create,
  rng_fill_u64,
  rng_fill_uniform,
  rng_fill_normal,
} from "./rng";
export {
  perceptron_create,
  perceptron_fill_gaussian,
  perceptron_step,
  perceptron_order_params,
  perceptron_count_errors,
  perceptron_weights,
  perceptron_teacher,
  perceptron_inputs,
  perceptron_noise,
  perceptron_set_train_set,
  perceptron_rng,
  perceptron_heat,
  perceptron_heat_parts,
  perceptron_status,
  perceptron_cursor,
  perceptron_set_clock,
  perceptron_configure,
  perceptron_set_labels,
  perceptron_averaged_force,
  perceptron_work,
  perceptron_excess,
  perceptron_sums,
  perceptron_set_sums,
  perceptron_predict,
} from "./perceptron";
export {
  hopfield_create,
  hopfield_unpack_state,
  hopfield_index_patterns,
  hopfield_store_hebbian,
  hopfield_store_storkey,
  hopfield_store_pseudoinverse,
  hopfield_fields,
  hopfield_run_sync,
  hopfield_run_async,
  hopfield_energy,
  hopfield_overlaps,
  hopfield_count_unstable,
  hopfield_flip_random,
  hopfield_random_patterns,
  hopfield_state_bits,
  hopfield_pattern_bits,
  hopfield_weights,
  hopfield_bias,
  hopfield_field,
  hopfield_rng,
  hopfield_scale,
} from "./hopfield";
export {
  extend_periodic_f64,
  conv_direct_f64,
  contrastive_threshold_trapezoid,
  contrastive_threshold_curve,
  contrastive_sawtooth_response,
} from "./contrastive";
export { fft_twiddles_f64, fft_f64, conv_fft_f64 } from "./fft";
export { matvec_colmajor_f64, matvec_sym_sign_f32 } from "./linalg";
export {
  markov_create,
  markov_rates,
  markov_propagator_matrix,
  markov_prob,
  markov_steps,
  markov_set_steps,
  markov_propagator,
  markov_step,
} from "./markov";
export {
  eqprop_drive,
  eqprop_relax,
  eqprop_energy,
  eqprop_outer_update,
  eqprop_transpose,
  eqprop_memory_update,
} from "./eqprop";
