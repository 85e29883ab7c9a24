// The module's entry: every export of every model. Only numbers cross this boundary (i32, f64,
// addresses as byte offsets); the TS side documents the ABI in src/core/abi.ts.
export { alloc, heap_top } from "./memory";
export { dot_f64, dot_f32, simd_enabled } from "./simd";
export {
  rng_stream_seed, rng_seed, rng_create,
  rng_fill_u64, rng_fill_uniform, rng_fill_normal,
} from "./rng";
export {
  perceptron_create, perceptron_fill_gaussian, perceptron_step, perceptron_order_params,
  perceptron_count_errors, perceptron_weights, perceptron_teacher, perceptron_inputs, perceptron_noise,
  perceptron_set_train_set, perceptron_rng, perceptron_heat, perceptron_heat_parts,
  perceptron_status, perceptron_cursor, perceptron_set_clock,
} from "./perceptron";
export {
  hopfield_create, hopfield_unpack_state, hopfield_index_patterns, hopfield_store_hebbian,
  hopfield_store_storkey, hopfield_store_pseudoinverse, hopfield_fields, hopfield_run_sync,
  hopfield_run_async, hopfield_energy, hopfield_overlaps, hopfield_count_unstable, hopfield_flip_random,
  hopfield_random_patterns, hopfield_state_bits, hopfield_pattern_bits, hopfield_weights, hopfield_bias,
  hopfield_field, hopfield_rng, hopfield_scale,
  dense_matvec,
} from "./hopfield";
export { extend_periodic, conv_direct, threshold_trapezoid, threshold_curve, sawtooth_response } from "./contrastive";
export { fft_twiddles, fft, conv_fft } from "./fft";
export { ladder_create, ladder_rates, ladder_propagator_matrix, ladder_prob, ladder_steps, ladder_propagator, ladder_matvec, ladder_step } from "./ladder";
export {
  eqprop_drive, eqprop_relax, eqprop_energy, eqprop_outer_update, eqprop_transpose, eqprop_memory_update,
} from "./eqprop";
