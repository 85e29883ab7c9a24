/** The CLI's --help text (also printed, with exit code 2, when no command is given). */
import { VERSION } from "../../version.js";

export const USAGE = `thermolearn ${VERSION}: the thermodynamics of learning

Usage:
  thermolearn perceptron [flags]   simulate a stochastic perceptron (Langevin, Euler–Maruyama)
  thermolearn blog [flags]         the blog's experiment: Hebbian, Perceptron, AdaTron, α-tron (α = 0.25, 0.5)
  thermolearn theory [flags]       order-parameter theory: steady ε, heat split, efficiency η per rule
  thermolearn bound [flags]        Goldt & Seifert's information bound: Σ I ≤ Σ [ΔS + Q] over time
  thermolearn hopfield-recall [flags]    store patterns, corrupt one, recall it
  thermolearn hopfield-capacity [flags]  capacity sweep over loads K/N
  thermolearn kernel-update [flags]      Δw of a memory kernel under the sawtooth protocol (Falk et al.)
  thermolearn ladder [flags]             ladder Markov chain: steady state, dissipation, memory kernel
  thermolearn figure 4c|5c|6b|8 [flags]  regenerate a figure of Falk et al. on all cores
  thermolearn figure efficiency [flags]  η against ν̃ and k per rule (Goldt & Seifert), theory + simulation
  thermolearn figure landauer [flags]    mean heat per erasure against τ → ln 2 (Landauer), Langevin + Fokker–Planck
  thermolearn figure cost [flags]        energy cost of contrastive learning against its accuracy (ladder, γ, F)
  thermolearn eqprop [flags]             equilibrium propagation on the bundled MNIST digits
  thermolearn tur [flags]                thermodynamic uncertainty relation: ladder across γ, ring across f
  thermolearn --help | --version

perceptron flags (defaults: the blog's parameters):
  --rule R            hebbian | perceptron | adatron | alphatron   (hebbian)
  --alpha A           α of the α-tron                              (0.5)
  --n N               weights                                      (10000)
  --k K               restoring force                              (1)
  --nu NU             learning rate                                (3·√n)
  --nu-tilde V        learning rate as ν̃ = ν/√n (instead of --nu)
  --D D               diffusion constant = temperature             (1)
  --dt DT             Euler–Maruyama step                          (0.001)
  --batch B           inputs per step                              (30)
  --steps S | --t-end T   run length                               (t-end 10)
  --record-every R    record observables every R steps             (steps/500)
  --trajectories M    independent trajectories                     (1)
  --seed S            integer seed                                 (0)
  --train-size P      fixed training set of P inputs (0: online)   (0)
  --test-size P       held-out test set for the finite-n error     (0)
  --inputs I          sampled (online, B inputs a step) | averaged (input-averaged force;
                      with --train-size: batch learning)           (sampled)
  --labels L          teacher | random (i.i.d. labels of the training set)  (teacher)
  --json FILE         write the results as JSON
  --svg FILE          write a plot of ε(t) as SVG

blog flags: --t-end, --trajectories, --seed, --out DIR (results), plus --n, --dt, --batch.

theory flags: --rule R (all rules) --alpha A --nu-tilde V (3) --k K (1) --D D (1) --t-end T (40)
  --json FILE; --batch B [--n N (10000) --dt DT (0.001)] for the online regime with the fluctuation heat.

bound flags: --rule R (hebbian) --labels random|teacher (random) --inputs sampled|averaged (sampled; averaged:
  batch learning) --n N (200) --patterns P (100) --trajectories M (400) --t-end T (5) --dt DT (0.01) --batch B (30)
  --nu-tilde V (3) --k K (1) --D D (1) --seed S (0) --json FILE --svg FILE; also --alpha, --nu, --steps,
  --record-every, --sampling replacement|sweep, --spacing m (the m-spacing entropy estimator's m, √M)

tur flags: --gammas 1,0.1,0.01 (ladder γ) --rungs M (5) --F F (25) --forces 0.5,2,8,12.57,20,50 (ring f)
  --amplitude A (4) --D D (1) --ensemble N (also from N Langevin trajectories) --seed S (0) --json FILE

hopfield-recall flags:
  --n N (100) --k K patterns (10) --rule hebbian|storkey|pseudoinverse (hebbian) --pattern MU (0)
  --flip F fraction of bits flipped (0.2) --dynamics async|sync|glauber (async) --temperature T
  --max-sweeps S (100) --seed S (0) --json FILE --svg FILE

hopfield-capacity flags:
  --n N (1000) --rule R (hebbian) --trials T (20) --seed S (0) --loads 0.05,0.1 | 0.01:0.2:0.01
  (default 0.01:0.2:0.01) --dynamics async|sync (async) --max-sweeps S (50) --recall-patterns P (10)
  --json FILE --svg FILE

kernel-update flags:
  --kernel ecoli|sine|exp|feedback|ladder (ecoli) --area I (0, ecoli) --tau-k T (exp time constant, 0.1)
  --gamma γ (0.01) --F F (25) --s S (200): the ladder kernel's chain and step
  --tau-fast τf (1) --tau-slow τs (9) --mean s̄ (0) --amplitudes a,b,c (default: the curve,
  400 amplitudes in [0, 0.75·A_max], with offset and dynamic range) --a-max A (100)
  --theta θ (Eq. 45: |−A_max/τs + I(s̄ + A_max/2)|) --dt DT (the kernel's: 1e-4; sine 0.01)
  --alignment scipy|causal (scipy, as the authors' code) --json FILE --svg FILE

ladder flags: --gamma γ (1) --F F (25) --s S µM (0; the kernel steps from 0 to --s-step, 200) --s-step S
  --rungs M (5) --json FILE --svg FILE

eqprop flags:
  --variant plain|memory (plain; memory = Falk et al.) --epochs N (25) --seed S (0: weights, β signs, split)
  --train N (8000) --test N (2000) --layers 784,500,10 --rates 0.1,0.05 --batch-size B (20) --beta β (0.5)
  --epsilon ε (0.5) --free-iterations N (20) --clamped-iterations N (4)
  --json FILE (results/eqprop-VARIANT.json) --svg FILE (results/eqprop-VARIANT.svg)
  --save FILE (parameters after each epoch) --resume FILE (continue from saved parameters)
  Ctrl-C stops after the current mini-batch and keeps the last completed epoch.

figure flags: --points P (1000; 6b: 5000; 8: 31) --seed S (0) --dt DT (4c, 5c: 0.001; 8: 0.0001)
  --workers W (all cores) --json FILE --svg FILE
  8: Δw/A against τ_f/τ_K (E. coli kernel I = 0, τ_K = 1/b = 0.05, A = 20, τ_s = 20, θ = (A/τ_s + A/τ_f)/2)

figure efficiency flags: --points P line points per sweep (25) --dots K simulated points per sweep (4; 0 none)
  --rules hebbian,perceptron,adatron (alphatron too) --n N (10000) --batch B (30) --dt DT (0.001): the online
  regime --sim-n N averaged-input ensembles' n (1000) --trajectories M (4) --groups G sub-ensembles (8)
  --seed S (0) --workers W (all cores) --json FILE --svg FILE

figure landauer flags: --taus 10,16.5,27.1,44.7,73.7,121,200 (cycle lengths) --particles N erasures per τ (20000)
  --groups G sub-ensembles per τ (4) --seed S (0) --dt DT (0.002, ensembles and grid) --cells C (512, the grid)
  --barrier B (10) --tilt A (6) --quartic E (8) --workers W (all cores)
  --json FILE (results/landauer.json) --svg FILE (results/landauer.svg)

figure cost flags: --gammas 1,0.3,0.1,0.03,0.01,0.001,0.0001 --Fs 5,25 --steps N per period (2048)
  --tau-fast τf (3) --tau-slow τs (15) --mean s̄ (25) --a-max A (50) --json FILE --svg FILE
`;
