namespace Candor.Analytics.Regressions;

/// <summary>The significance tests of regression detection (docs/analytics.md explains the choice).</summary>
internal static class Statistics
{
    /// <summary>One-sided two-proportion z-test with pooled variance: the p-value of "the second proportion is
    /// higher than the first" (x0 of n0 against x1 of n1). 1 when either sample is empty or nothing varies.</summary>
    public static double TwoProportionGreater(long x0, long n0, long x1, long n1)
    {
        if (n0 <= 0 || n1 <= 0)
        {
            return 1;
        }

        var pooled = (double)(x0 + x1) / (n0 + n1);
        var variance = pooled * (1 - pooled) * ((1.0 / n0) + (1.0 / n1));
        if (variance <= 0)
        {
            return 1;
        }

        var z = (((double)x1 / n1) - ((double)x0 / n0)) / Math.Sqrt(variance);
        return UpperNormal(z);
    }

    /// <summary>P(Z &gt;= z) for a standard normal Z.</summary>
    public static double UpperNormal(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>P(X &gt;= k) for X ~ Poisson(lambda), summed in log space so large counts do not overflow.</summary>
    public static double PoissonUpper(long k, double lambda)
    {
        if (k <= 0)
        {
            return 1;
        }

        if (lambda <= 0)
        {
            return 0;
        }

        // 1 - P(X <= k-1); for k far above lambda sum the upper tail directly instead, which keeps precision.
        if (k > lambda)
        {
            double sum = 0, logTerm = (k * Math.Log(lambda)) - lambda - LogFactorial(k);
            for (var i = k; i < k + 10_000; i++)
            {
                var term = Math.Exp(logTerm);
                sum += term;
                if (term < sum * 1e-15)
                {
                    break;
                }

                logTerm += Math.Log(lambda) - Math.Log(i + 1);
            }

            return Math.Min(1, sum);
        }

        double lower = 0, log = -lambda;
        for (long i = 0; i < k; i++)
        {
            lower += Math.Exp(log);
            log += Math.Log(lambda) - Math.Log(i + 1);
        }

        return Math.Clamp(1 - lower, 0, 1);
    }

    /// <summary>Benjamini-Hochberg adjusted p-values (q-values), in the input order: rejecting every q at or below
    /// alpha controls the false discovery rate at alpha across all the tests run together.</summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var i = order[rank - 1];
            running = Math.Min(running, pValues[i] * m / rank);
            adjusted[i] = Math.Min(1, running);
        }

        return adjusted;
    }

    private static double LogFactorial(long n)
    {
        double sum = 0;
        for (long i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }

    /// <summary>Complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7).</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var poly = 0.0;
        for (var k = c.Length - 1; k >= 1; k--)
        {
            poly = (poly + c[k]) * t;
        }

        var r = t * Math.Exp(-(z * z) + c[0] + poly);
        return x >= 0 ? r : 2 - r;
    }
}
