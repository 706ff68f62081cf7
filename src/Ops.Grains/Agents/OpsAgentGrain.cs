using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Correlation;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Grains.Notifications;
using Ops.Grains.Remediation;
using Ops.Runtime;

namespace Ops.Grains.Agents;

/// <summary>
/// A product's ops agent. For each new symptom occurrence it picks the most specific matching runbook (authored in
/// the catalog or promoted by the rule of three), checks its guard rails, runs diagnostics and remediation (each
/// remediation step recorded as started before it runs and carrying an idempotency key derived from the run, so a
/// retry or a replay after a crash sends the same key and never runs it twice), then waits for the symptom to
/// resolve within the verification window. Anything it cannot absorb goes to correlation as a novel symptom.
/// Human fixes reported by incidents are counted per symptom class; the third equivalent one proposes a runbook.
/// </summary>
[GrainType("ops-agent")]
public sealed partial class OpsAgentGrain(
    [PersistentState("agent")] IPersistentState<OpsAgentState> state,
    DomainMessenger messenger,
    ICatalogView catalog,
    IStepExecutor executor,
    INotificationSender notifier,
    TimeProvider time,
    IOptions<OpsLoopOptions> options,
    ILogger<OpsAgentGrain> logger) : DomainGrain, IOpsAgentGrain, IInboxRecipient, IRemindable
{
    private const string VerifyReminder = "verify";
    private const int MaxRuns = 200;
    private const int MaxHandled = 2_000;

    private string Product => this.GetPrimaryKeyString();

    private OpsAgentState Agent => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Agent.Runs.Any(r => r.State == RunStates.Running || (r.State == RunStates.AwaitingApproval && !r.ApprovalRequested))
            || Agent.Promotions.Any(p => !p.OwnerNotified))
        {
            // Work was interrupted (crash, hand-off): finish it. Steps with a recorded outcome are not repeated; the
            // step that was in flight is sent again with the same idempotency key; notices not yet sent are sent.
            RegisterGrainTimer(ResumeInterruptedWorkAsync, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public Task<int> CountRunsSince(DateTimeOffset since)
    {
        var from = (int)(since.ToUnixTimeSeconds() / 86_400);
        return Task.FromResult(Agent.RunsByDay.Where(d => d.Key >= from).Sum(d => d.Value));
    }

    public Task<OpsAgentView> Get() => Task.FromResult(new OpsAgentView
    {
        Product = Product,
        Runbooks = [.. ActiveRunbooks().Select(r => r.Runbook)],
        Runs = [.. Agent.Runs.AsEnumerable().Reverse().Select(r => r.ToView())],
        Promotions = [.. Agent.Promotions.Select(p => p.ToView(Product))],
        FixLedger = [.. Agent.Fixes.Values.Select(f => new FixLedgerView(f.SymptomClass, f.Fix, f.Incidents, f.PromotionId))],
        RunsSucceeded = Agent.RunsSucceeded,
        RunsFailed = Agent.RunsFailed,
        Escalations = Agent.Escalations,
    });

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var message = InboxMessages.Decode(record);
        if (Agent.Ledger.SeenBefore(message.MessageId))
        {
            return;
        }

        switch (message)
        {
            case OccurrenceOpened opened:
                await HandleOpenedAsync(opened, cancellationToken);
                break;
            case OccurrenceResolved resolved:
                await HandleResolvedAsync(resolved, cancellationToken);
                break;
            case OccurrenceAcknowledged:
                await state.WriteStateAsync(cancellationToken);
                break;
            case FixRecorded fix:
                await HandleFixAsync(fix, cancellationToken);
                break;
            default:
                throw new InvalidDataException($"The ops agent of {Product} cannot apply {message.GetType().Name}.");
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        ChangeAsync(() => ReceiveReminderCoreAsync(reminderName, status));

    private async Task ReceiveReminderCoreAsync(string reminderName, TickStatus status)
    {
        if (reminderName != VerifyReminder)
        {
            return;
        }

        var now = time.GetUtcNow();
        var outgoing = new List<Outgoing>();
        foreach (var run in Agent.Runs.Where(r => r.State == RunStates.Verifying && r.VerifyBy <= now))
        {
            run.State = RunStates.NotVerified;
            run.FinishedAt = now;
            RecordFinished(run);
            Agent.RunsFailed++;
            run.History.Add($"{now:O} not verified: the symptom did not resolve within {run.Runbook.Verification.Window}");
            outgoing.Add(Escalate(run.Occurrence, EscalationReason.NotVerified, $"the symptom did not resolve within {run.Runbook.Verification.Window} after {run.Runbook.Name} v{run.Runbook.Version}", run.RunId));
        }

        if (outgoing.Count > 0)
        {
            await messenger.SendAsync(outgoing);
            await state.WriteStateAsync();
        }

        await ArrangeVerificationAsync();
    }

    public Task<RunView> ApproveRun(string runId, string actor) =>
        ChangeAsync(() => ApproveRunCoreAsync(runId, actor));

    private async Task<RunView> ApproveRunCoreAsync(string runId, string actor)
    {
        var run = FindRun(runId);
        if (run.State != RunStates.AwaitingApproval)
        {
            throw new InvalidOperationException($"Run {runId} is {run.State}; only a run awaiting approval can be approved.");
        }

        run.ApprovedBy = actor;
        run.State = RunStates.Running;
        CountRun(time.GetUtcNow());
        run.History.Add($"{time.GetUtcNow():O} approved by {actor}");
        await state.WriteStateAsync();
        await ExecuteAsync(run, CancellationToken.None);
        return run.ToView();
    }

    public Task<RunView> RejectRun(string runId, string actor) =>
        ChangeAsync(() => RejectRunCoreAsync(runId, actor));

    private async Task<RunView> RejectRunCoreAsync(string runId, string actor)
    {
        var run = FindRun(runId);
        if (run.State != RunStates.AwaitingApproval)
        {
            throw new InvalidOperationException($"Run {runId} is {run.State}; only a run awaiting approval can be rejected.");
        }

        var now = time.GetUtcNow();
        run.State = RunStates.Rejected;
        run.FinishedAt = now;
        RecordFinished(run);
        run.History.Add($"{now:O} rejected by {actor}");
        if (Agent.Open.TryGetValue(run.Occurrence.OccurrenceId, out var open))
        {
            open.Escalated = true;
            await messenger.SendAsync([Escalate(run.Occurrence, EscalationReason.AwaitingApproval, $"{actor} rejected the proposed run of {run.Runbook.Name}", run.RunId)]);
        }

        await state.WriteStateAsync();
        return run.ToView();
    }

    public Task<PromotionView> DecidePromotion(string promotionId, string decision, string actor) =>
        ChangeAsync(() => DecidePromotionCoreAsync(promotionId, decision, actor));

    private async Task<PromotionView> DecidePromotionCoreAsync(string promotionId, string decision, string actor)
    {
        var promotion = Agent.Promotions.FirstOrDefault(p => p.PromotionId == promotionId)
            ?? throw new KeyNotFoundException($"Product {Product} has no promotion {promotionId}.");
        var target = decision switch
        {
            "approve" => PromotionStates.Approved,
            "promote" => PromotionStates.Promoted,
            "reject" => PromotionStates.Rejected,
            _ => throw new ArgumentException($"decision must be approve, promote or reject; got '{decision}'.", nameof(decision)),
        };
        if (promotion.State == PromotionStates.Rejected || (promotion.State == PromotionStates.Promoted && target != PromotionStates.Rejected))
        {
            throw new InvalidOperationException($"Promotion {promotionId} is {promotion.State}; it cannot be {target}.");
        }

        promotion.State = target;
        promotion.DecidedBy = actor;
        promotion.DecidedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return promotion.ToView(Product);
    }

    private async Task HandleOpenedAsync(OccurrenceOpened message, CancellationToken cancellationToken)
    {
        var occurrence = message.Occurrence;
        Agent.LastChange = message.LastChange ?? Agent.LastChange;
        if (Agent.Handled.Contains(occurrence.OccurrenceId))
        {
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        Agent.Handled.Add(occurrence.OccurrenceId);
        if (Agent.Handled.Count > MaxHandled)
        {
            Agent.Handled.RemoveAt(0);
        }

        var open = new OpenOccurrence { Occurrence = occurrence };
        Agent.Open[occurrence.OccurrenceId] = open;
        var now = time.GetUtcNow();
        var selected = ActiveRunbooks()
            .Where(r => RunbookMatcher.Matches(r.Runbook, occurrence))
            .OrderByDescending(r => RunbookMatcher.Specificity(r.Runbook))
            .ThenByDescending(r => r.Runbook.Version)
            .FirstOrDefault();
        if (selected.Runbook is null)
        {
            open.Escalated = true;
            await messenger.SendAsync([Escalate(occurrence, EscalationReason.NoRunbook, "no runbook matches this symptom", null)], cancellationToken);
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        var runbook = selected.Runbook;
        if (GuardRailViolation(runbook, now) is { } violation)
        {
            open.Escalated = true;
            await messenger.SendAsync([Escalate(occurrence, EscalationReason.GuardRail, violation, null)], cancellationToken);
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        var run = new RunState
        {
            // URL-safe and derived from its cause: the same occurrence and runbook version always make the same run id.
            RunId = DerivedId.From("run-", $"{occurrence.OccurrenceId}#{runbook.Name}@v{runbook.Version.ToString(CultureInfo.InvariantCulture)}"),
            Runbook = runbook,
            PromotionId = selected.PromotionId,
            Occurrence = occurrence,
            StartedAt = now,
            State = runbook.Mode == RunbookMode.ConfirmFirst ? RunStates.AwaitingApproval : RunStates.Running,
        };
        open.RunId = run.RunId;
        AddRun(run);
        if (run.State == RunStates.AwaitingApproval)
        {
            run.History.Add($"{now:O} proposed; waiting for the owner's approval");
            await state.WriteStateAsync(cancellationToken);
            await RequestApprovalAsync(run, cancellationToken);
            return;
        }

        await state.WriteStateAsync(cancellationToken);
        await ExecuteAsync(run, cancellationToken);
    }

    private async Task HandleResolvedAsync(OccurrenceResolved message, CancellationToken cancellationToken)
    {
        if (!Agent.Open.Remove(message.OccurrenceId, out var open))
        {
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        var now = time.GetUtcNow();
        var outgoing = new List<Outgoing>();
        if (open.RunId is { } runId && Agent.Runs.FirstOrDefault(r => r.RunId == runId) is { } run)
        {
            if (run.State == RunStates.Verifying)
            {
                run.State = RunStates.Verified;
                run.FinishedAt = now;
                RecordFinished(run);
                run.History.Add($"{now:O} verified: the symptom resolved");
                Agent.RunsSucceeded++;
                CountApprovedSuccess(run);
                LogRunVerified(logger, Product, run.RunId);
            }
            else if (run.State == RunStates.AwaitingApproval)
            {
                run.State = RunStates.Expired;
                run.FinishedAt = now;
                RecordFinished(run);
                run.History.Add($"{now:O} the symptom resolved before anyone approved the run");
            }
        }

        if (open.Escalated)
        {
            outgoing.Add(messenger.To<ICorrelationGrain>(CorrelationGrain.Key, new SymptomCleared
            {
                MessageId = $"{message.OccurrenceId}:cleared",
                At = now,
                OccurrenceId = message.OccurrenceId,
                Product = Product,
            }));
        }

        await messenger.SendAsync(outgoing, cancellationToken);
        await state.WriteStateAsync(cancellationToken);
    }

    private async Task HandleFixAsync(FixRecorded message, CancellationToken cancellationToken)
    {
        var volatileLabels = options.Value.EffectiveVolatileLabels;
        var (classKey, classLabels) = RuleOfThree.SymptomClass(message.Occurrence, volatileLabels);
        var templated = RuleOfThree.Templatize(message.Fix, message.Occurrence, volatileLabels);
        var key = classKey + " :: " + RuleOfThree.Signature(templated);
        if (!Agent.Fixes.TryGetValue(key, out var entry))
        {
            entry = new FixLedgerEntry { SymptomClass = classKey, Layer = message.Occurrence.Layer, Labels = classLabels, Fix = templated };
            Agent.Fixes[key] = entry;
        }

        if (entry.Incidents.Contains(message.IncidentId))
        {
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        entry.Incidents.Add(message.IncidentId);
        PromotionState? proposed = null;
        if (entry.Incidents.Count >= options.Value.PromotionThreshold && entry.PromotionId is null && RuleOfThree.ToStep(templated) is { } step)
        {
            var name = RuleOfThree.RunbookName(classLabels, templated);
            var version = 1 + Math.Max(
                catalog.Current.Runbooks.Where(r => r.Product == Product && r.Name == name).Select(r => r.Version).DefaultIfEmpty(0).Max(),
                Agent.Promotions.Where(p => p.Runbook.Name == name).Select(p => p.Runbook.Version).DefaultIfEmpty(0).Max());
            proposed = new PromotionState
            {
                PromotionId = DerivedId.From("prm-", Product + "\n" + key),
                ProposedAt = time.GetUtcNow(),
                Incidents = [.. entry.Incidents],
                Runbook = new RunbookSpec
                {
                    Name = name,
                    Product = Product,
                    Version = version,
                    Mode = RunbookMode.ConfirmFirst,
                    Description = $"Promoted by the rule of three: the same fix resolved {RuleOfThree.Count(entry.Incidents.Count)} incidents ({string.Join(", ", entry.Incidents)}).",
                    Match = new RunbookMatch { Layer = entry.Layer, Labels = entry.Labels },
                    Remediation = [step],
                    Guardrails = new GuardrailSpec { MaxRunsPerHour = options.Value.PromotedMaxRunsPerHour, Cooldown = options.Value.PromotedCooldown },
                },
            };
            proposed.Example = message.Occurrence;
            entry.PromotionId = proposed.PromotionId;
            Agent.Promotions.Add(proposed);
            LogPromotionProposed(logger, Product, proposed.PromotionId, proposed.Runbook.Name);
        }

        await state.WriteStateAsync(cancellationToken);
        if (proposed is not null)
        {
            await NotifyPromotionAsync(proposed, cancellationToken);
        }
    }

    private async Task ExecuteAsync(RunState run, CancellationToken cancellationToken)
    {
        var product = catalog.Current.Products.GetValueOrDefault(Product);
        for (var i = run.Diagnostics.Count; i < run.Runbook.Diagnostics.Count; i++)
        {
            var step = run.Runbook.Diagnostics[i];
            var key = $"{run.RunId}:diagnose:{i.ToString(CultureInfo.InvariantCulture)}";
            run.Diagnostics.Add(step.Kind == StepKind.SignalHistory
                ? SignalHistory(step, run, key)
                : await executor.RunAsync(step, Context(run, key, product, diagnostic: true), cancellationToken));
        }

        for (var i = run.Remediation.Count; i < run.Runbook.Remediation.Count; i++)
        {
            var step = run.Runbook.Remediation[i];
            var key = $"{run.RunId}:remediate:{i.ToString(CultureInfo.InvariantCulture)}";
            run.History.Add($"{time.GetUtcNow():O} step {step.Name} started ({key})");
            if (i > 0)
            {
                // Record the intent before acting (a replay resends the same key). The first step needs no write
                // of its own: the run was stored as running, with no step done, just before.
                await state.WriteStateAsync(cancellationToken);
            }
            var outcome = await executor.RunAsync(step, Context(run, key, product, diagnostic: false), cancellationToken);
            run.Remediation.Add(outcome);
            if (!outcome.Succeeded)
            {
                break;
            }
        }

        var now = time.GetUtcNow();
        var outgoing = new List<Outgoing>();
        if (run.Remediation.FirstOrDefault(o => !o.Succeeded) is { } failed)
        {
            run.State = RunStates.Failed;
            run.FinishedAt = now;
            RecordFinished(run);
            Agent.RunsFailed++;
            run.History.Add($"{now:O} failed at {failed.Step}: {failed.Error}");
            if (Agent.Open.TryGetValue(run.Occurrence.OccurrenceId, out var open))
            {
                open.Escalated = true;
            }

            outgoing.Add(Escalate(run.Occurrence, EscalationReason.RemediationFailed, $"{run.Runbook.Name} v{run.Runbook.Version} failed at step {failed.Step}: {failed.Error}", run.RunId));
            LogRunFailed(logger, Product, run.RunId, failed.Step, failed.Error);
        }
        else if (Agent.Open.ContainsKey(run.Occurrence.OccurrenceId))
        {
            run.State = RunStates.Verifying;
            run.VerifyBy = now + run.Runbook.Verification.Window;
            run.History.Add($"{now:O} remediated; verifying until {run.VerifyBy:O}");
        }
        else
        {
            // The symptom resolved while the run was being approved or executed.
            run.State = RunStates.Verified;
            run.FinishedAt = now;
            RecordFinished(run);
            Agent.RunsSucceeded++;
            CountApprovedSuccess(run);
            run.History.Add($"{now:O} verified: the symptom had already resolved");
        }

        await messenger.SendAsync(outgoing, cancellationToken);
        await state.WriteStateAsync(cancellationToken);
        await ArrangeVerificationAsync();
    }

    private Task ResumeInterruptedWorkAsync(CancellationToken cancellationToken) =>
        ChangeAsync(async () =>
        {
            foreach (var run in Agent.Runs.Where(r => r.State == RunStates.Running).ToList())
            {
                run.History.Add($"{time.GetUtcNow():O} resumed after an interruption");
                await ExecuteAsync(run, cancellationToken);
            }

            foreach (var run in Agent.Runs.Where(r => r.State == RunStates.AwaitingApproval && !r.ApprovalRequested).ToList())
            {
                await RequestApprovalAsync(run, cancellationToken);
            }

            foreach (var promotion in Agent.Promotions.Where(p => !p.OwnerNotified).ToList())
            {
                await NotifyPromotionAsync(promotion, cancellationToken);
            }
        });

    private StepContext Context(RunState run, string key, ProductSpec? product, bool diagnostic) => new()
    {
        Product = Product,
        IdempotencyKey = key,
        Labels = run.Occurrence.Labels,
        Fingerprint = run.Occurrence.Fingerprint,
        RollbackHook = product?.Rollback,
        IsDiagnostic = diagnostic,
    };

    private StepOutcome SignalHistory(RunbookStep step, RunState run, string key)
    {
        var history = Agent.Runs.Where(r => r.Occurrence.Fingerprint == run.Occurrence.Fingerprint && r.RunId != run.RunId)
            .Select(r => $"{r.StartedAt:O} run {r.Runbook.Name} v{r.Runbook.Version}: {r.State}")
            .TakeLast(10);
        var change = Agent.LastChange is { } c ? $"last change {c.Timestamp:O}: {c.Summary}" : "no change recorded";
        return new StepOutcome
        {
            Step = step.Name,
            Kind = StepKind.SignalHistory,
            Succeeded = true,
            Output = string.Join('\n', [$"fingerprint {run.Occurrence.Fingerprint} started {run.Occurrence.StartsAt:O}", change, .. history]),
            Attempts = 1,
            IdempotencyKey = key,
        };
    }

    private Outgoing Escalate(SymptomOccurrence occurrence, EscalationReason reason, string detail, string? runId)
    {
        Agent.Escalations++;
        LogEscalated(logger, Product, occurrence.OccurrenceId, reason, detail);
        return messenger.To<ICorrelationGrain>(CorrelationGrain.Key, new NovelSymptom
        {
            MessageId = $"{occurrence.OccurrenceId}:novel",
            At = time.GetUtcNow(),
            Occurrence = occurrence,
            Reason = reason,
            Detail = detail,
            RunId = runId,
        });
    }

    private string? GuardRailViolation(RunbookSpec runbook, DateTimeOffset now)
    {
        // Only runs that acted count: proposals waiting, rejected or expired changed nothing.
        var runs = Agent.Runs.Where(r => r.Runbook.Name == runbook.Name && r.State is not (RunStates.AwaitingApproval or RunStates.Rejected or RunStates.Expired)).ToList();
        var lastHour = runs.Count(r => r.StartedAt > now - TimeSpan.FromHours(1));
        if (lastHour >= runbook.Guardrails.MaxRunsPerHour)
        {
            return $"guard rail: {runbook.Name} ran {lastHour} times in the last hour (max {runbook.Guardrails.MaxRunsPerHour})";
        }

        if (runs.Count > 0 && runs[^1].StartedAt + runbook.Guardrails.Cooldown > now)
        {
            return $"guard rail: {runbook.Name} is cooling down until {runs[^1].StartedAt + runbook.Guardrails.Cooldown:O}";
        }

        return null;
    }

    private IEnumerable<(RunbookSpec Runbook, string? PromotionId)> ActiveRunbooks()
    {
        foreach (var runbook in catalog.Current.Runbooks)
        {
            if (runbook.Product == Product)
            {
                yield return (runbook, null);
            }
        }

        foreach (var promotion in Agent.Promotions)
        {
            if (promotion.State == PromotionStates.Promoted)
            {
                yield return (promotion.Runbook with { Mode = RunbookMode.Automatic }, promotion.PromotionId);
            }
            else if (promotion.State == PromotionStates.Approved)
            {
                yield return (promotion.Runbook with { Mode = RunbookMode.ConfirmFirst }, promotion.PromotionId);
            }
        }
    }

    private void CountApprovedSuccess(RunState run)
    {
        if (run.PromotionId is null || run.ApprovedBy is null)
        {
            return;
        }

        var promotion = Agent.Promotions.FirstOrDefault(p => p.PromotionId == run.PromotionId);
        if (promotion is null)
        {
            return;
        }

        promotion.SuccessfulApprovedRuns++;
        if (promotion.State == PromotionStates.Approved && promotion.SuccessfulApprovedRuns >= options.Value.ApprovedRunsBeforeAutomatic)
        {
            promotion.State = PromotionStates.Promoted;
            promotion.DecidedBy = "rule-of-three";
            promotion.DecidedAt = time.GetUtcNow();
        }
    }

    private async Task RequestApprovalAsync(RunState run, CancellationToken cancellationToken)
    {
        await NotifyOwnerAsync(run.RunId, $"Approve {run.Runbook.Name} v{run.Runbook.Version} for {Product}: {run.Occurrence.Summary}", run.Occurrence, cancellationToken);
        run.ApprovalRequested = true;
        await state.WriteStateAsync(cancellationToken);
    }

    private async Task NotifyPromotionAsync(PromotionState promotion, CancellationToken cancellationToken)
    {
        var remediation = promotion.Runbook.Remediation.FirstOrDefault();
        var what = remediation?.Http?.Url ?? remediation?.Command ?? remediation?.Kind.ToString() ?? "";
        await NotifyOwnerAsync(
            promotion.PromotionId,
            $"Promotion proposed for {Product}: {promotion.Runbook.Name} v{promotion.Runbook.Version} ({what})",
            promotion.Example ?? new SymptomOccurrence { OccurrenceId = promotion.PromotionId, Product = Product, Fingerprint = "" },
            cancellationToken);
        promotion.OwnerNotified = true;
        await state.WriteStateAsync(cancellationToken);
    }

    private async Task NotifyOwnerAsync(string subjectId, string title, SymptomOccurrence occurrence, CancellationToken cancellationToken)
    {
        var snapshot = catalog.Current;
        if (!snapshot.Products.TryGetValue(Product, out var product) || !snapshot.Builders.TryGetValue(product.Owner, out var owner))
        {
            return;
        }

        var now = time.GetUtcNow();
        var notice = new PageNotice
        {
            IncidentId = subjectId,
            Title = title,
            Severity = Severity.Sev3,
            BlastRadius = BlastRadius.Product,
            Reason = "approval-requested",
            Recipient = owner.Name,
            Product = Product,
            Products = [Product],
            Summary = occurrence.Summary,
            Labels = occurrence.Labels,
            Annotations = occurrence.Annotations,
            Link = options.Value.PublicLink($"/api/v1/products/{Uri.EscapeDataString(Product)}/agent"),
            At = now,
        };
        for (var i = 0; i < owner.Channels.Count; i++)
        {
            await notifier.SendAsync(owner.Channels[i], notice, $"{subjectId}:approval:{i.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        }

        await messenger.SendAsync(
            [messenger.To<IBuilderGrain>(owner.Name, new PageRecorded
            {
                MessageId = $"{subjectId}:approval-requested",
                At = now,
                IncidentId = subjectId,
                Title = title,
                Severity = Severity.Sev3,
                Reason = "approval-requested",
                Product = Product,
            })],
            cancellationToken);
    }

    private async Task ArrangeVerificationAsync()
    {
        var verifying = Agent.Runs.Where(r => r.State == RunStates.Verifying && r.VerifyBy is not null).ToList();
        if (verifying.Count > 0)
        {
            var due = verifying.Min(r => r.VerifyBy!.Value) - time.GetUtcNow();
            await RegisterOrUpdateReminder(VerifyReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, TimeSpan.FromMinutes(1));
        }
        else if (await GetReminder(VerifyReminder) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    private void AddRun(RunState run)
    {
        Agent.Runs.Add(run);
        if (run.State != RunStates.AwaitingApproval)
        {
            CountRun(run.StartedAt);
        }

        while (Agent.Runs.Count > MaxRuns)
        {
            var finished = Agent.Runs.FindIndex(r => r.FinishedAt is not null);
            if (finished < 0)
            {
                break;
            }

            Agent.Runs.RemoveAt(finished);
        }
    }

    /// <summary>Counts a run that reached its outcome (metric ops.remediation.runs).</summary>
    private void RecordFinished(RunState run) => Instruments?.RecordRunFinished(run.State);

    /// <summary>Counts a run that acts towards the product's maintenance tail (kept for a year).</summary>
    private void CountRun(DateTimeOffset at)
    {
        var day = (int)(at.ToUnixTimeSeconds() / 86_400);
        Agent.RunsByDay[day] = Agent.RunsByDay.GetValueOrDefault(day) + 1;
        foreach (var old in Agent.RunsByDay.Keys.Where(d => d <= day - 366).ToList())
        {
            Agent.RunsByDay.Remove(old);
        }
    }

    private RunState FindRun(string runId) =>
        Agent.Runs.FirstOrDefault(r => r.RunId == runId) ?? throw new KeyNotFoundException($"Product {Product} has no run {runId}.");

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Ops agent {Product}: run {RunId} verified")]
    private static partial void LogRunVerified(ILogger logger, string product, string runId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Ops agent {Product}: run {RunId} failed at step {Step}: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string product, string runId, string step, string? error);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Ops agent {Product}: occurrence {OccurrenceId} escalated ({Reason}): {Detail}")]
    private static partial void LogEscalated(ILogger logger, string product, string occurrenceId, EscalationReason reason, string detail);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Ops agent {Product}: promotion {PromotionId} proposed ({Runbook})")]
    private static partial void LogPromotionProposed(ILogger logger, string product, string promotionId, string runbook);
}
