package dev.clientele.clv;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum likelihood over positive parameters, searched in log-parameter space (so every point is
 * admissible and scales as different as r ≈ 0.2 and α ≈ 100 days are equally easy): Nelder–Mead
 * first, robust from a crude start, then a Polak–Ribière conjugate-gradient polish on the analytic
 * gradient. Standard errors and the convergence test come from the observed information (finite
 * differences of the gradient).
 */
public final class MaximumLikelihood {
  /**
   * Log-likelihood at natural parameters; fills {@code gradient} (w.r.t. log-parameters) if
   * non-null.
   */
  interface LogLikelihood {
    double value(double[] params, double[] gradient);
  }

  /** The optimum and how it was reached. */
  public record Result(
      double[] params,
      double logLikelihood,
      double[] standardErrors,
      int simplexEvaluations,
      int polishIterations,
      double gradientNorm,
      boolean converged) {}

  /** Log-parameters beyond ±this are treated as a diverged fit (e^20 ≈ 5·10^8). */
  static final double LOG_PARAM_BOUND = 20;

  private MaximumLikelihood() {}

  static Result maximise(LogLikelihood ll, double[] start, double weight, int maxEvaluations) {
    int dim = start.length;
    // Per-customer average so the tolerances mean the same whatever the customer count.
    ObjectiveFunction negMean =
        new ObjectiveFunction(
            logP -> {
              if (outOfBounds(logP)) return Double.MAX_VALUE;
              double v = -ll.value(exp(logP), null) / weight;
              return Double.isFinite(v) ? v : Double.MAX_VALUE;
            });
    SimplexOptimizer simplex = new SimplexOptimizer(new SimpleValueChecker(1e-9, 1e-12));
    PointValuePair best =
        simplex.optimize(
            new MaxEval(maxEvaluations),
            negMean,
            GoalType.MINIMIZE,
            new InitialGuess(log(start)),
            new NelderMeadSimplex(dim, 0.5));
    int simplexEvaluations = simplex.getEvaluations();

    int polishIterations = 0;
    boolean converged = true;
    try {
      NonLinearConjugateGradientOptimizer cg =
          new NonLinearConjugateGradientOptimizer(
              NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
              new SimpleValueChecker(1e-14, 1e-14));
      PointValuePair polished =
          cg.optimize(
              new MaxEval(maxEvaluations),
              new MaxIter(maxEvaluations),
              negMean,
              new ObjectiveFunctionGradient(logP -> negMeanGradient(ll, logP, weight)),
              GoalType.MINIMIZE,
              new InitialGuess(best.getPoint()));
      polishIterations = cg.getIterations();
      if (polished.getValue() <= best.getValue()) best = polished;
    } catch (MathIllegalStateException e) {
      // The polish ran out of evaluations; the simplex optimum stands and is flagged below.
      converged = false;
    }
    double[] logP = best.getPoint();
    double[] gradient = new double[dim];
    double value = ll.value(exp(logP), gradient);
    double norm = 0;
    for (double g : gradient) norm += g * g;
    norm = Math.sqrt(norm) / weight;
    double[][] covariance = logCovariance(ll, logP);
    // Converged when the Newton decrement g'H⁻¹g is small: the log-likelihood is within 0.005 of
    // its maximum and the parameters within a tenth of a standard error of the optimum, whatever
    // the sample size (a raw gradient-norm bar would be too strict on flat ridges, too lax on sharp
    // ones).
    double decrement = Double.NaN;
    double[] se = new double[dim];
    java.util.Arrays.fill(se, Double.NaN);
    if (covariance != null) {
      decrement = 0;
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) decrement += gradient[i] * covariance[i][j] * gradient[j];
        se[i] = Math.exp(logP[i]) * Math.sqrt(covariance[i][i]);
      }
    }
    return new Result(
        exp(logP),
        value,
        se,
        simplexEvaluations,
        polishIterations,
        norm,
        converged && !outOfBounds(logP) && decrement >= 0 && decrement < 0.01);
  }

  /**
   * The inverse observed information in log-parameter space (Hessian by central differences of the
   * analytic gradient), or null when it is singular or not positive definite. Standard errors of
   * the natural parameters follow by the delta method: se(θ) = θ·se(log θ).
   */
  static double[][] logCovariance(LogLikelihood ll, double[] logP) {
    int dim = logP.length;
    double h = 1e-5;
    double[][] hessian = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      double[] up = logP.clone(), down = logP.clone();
      up[j] += h;
      down[j] -= h;
      double[] gUp = new double[dim], gDown = new double[dim];
      ll.value(exp(up), gUp);
      ll.value(exp(down), gDown);
      for (int i = 0; i < dim; i++) hessian[i][j] = -(gUp[i] - gDown[i]) / (2 * h);
    }
    try {
      RealMatrix cov =
          new LUDecomposition(new Array2DRowRealMatrix(hessian)).getSolver().getInverse();
      for (int i = 0; i < dim; i++) if (!(cov.getEntry(i, i) > 0)) return null;
      return cov.getData();
    } catch (RuntimeException singular) {
      return null;
    }
  }

  private static double[] negMeanGradient(LogLikelihood ll, double[] logP, double weight) {
    double[] g = new double[logP.length];
    ll.value(exp(logP), g);
    for (int i = 0; i < g.length; i++) g[i] = -g[i] / weight;
    return g;
  }

  static boolean outOfBounds(double[] logP) {
    for (double v : logP) if (!(Math.abs(v) < LOG_PARAM_BOUND)) return true;
    return false;
  }

  static double[] log(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.log(v[i]);
    return out;
  }

  static double[] exp(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.exp(v[i]);
    return out;
  }
}
