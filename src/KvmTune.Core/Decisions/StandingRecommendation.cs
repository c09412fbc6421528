using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// The recommendation an earlier run made on the same host, for the same plan, under the same constraints: it stands
/// in the next decision unless a candidate beats it (faster by more than the margin with 95% confidence). A candidate
/// at the border of the equivalent set falls inside it in one run and outside in the next; without this the overall
/// winner, and the nova.conf lines, would follow that noise from run to run. <c>--fresh</c> decides without it.
/// </summary>
/// <param name="RunId">The run whose recommendation this is.</param>
/// <param name="Constraints">The <see cref="AdvisorConstraints.Signature"/> it was decided under.</param>
/// <param name="Overall">Its overall winner.</param>
/// <param name="BySourceType">Its winner per source type (<c>file</c>, <c>block</c>).</param>
public sealed record StandingRecommendation(long RunId, string Constraints, Candidate Overall, IReadOnlyDictionary<string, Candidate> BySourceType);

/// <summary>What became of a standing recommendation in a decision.</summary>
/// <param name="Recommendation">The standing recommendation considered.</param>
/// <param name="Kept">True when its overall winner is the decision's winner again.</param>
/// <param name="BeatenBy">When not kept: the candidate that beats it, and by how much.</param>
public sealed record StandingOutcome(StandingRecommendation Recommendation, bool Kept, (Candidate Candidate, SpeedRatio Ratio)? BeatenBy);
