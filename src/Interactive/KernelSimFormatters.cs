using KernelSim.Replay.Net;
using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;
using Microsoft.DotNet.Interactive.Formatting;

namespace KernelSim.Interactive;

/// <summary>Registers the <see cref="KernelSimHtml"/> renderings as .NET Interactive HTML formatters.</summary>
public static class KernelSimFormatters
{
    /// <summary>
    /// Registers the formatters for <see cref="WritePrediction"/>, <see cref="LatencyDistribution"/>, sweeps
    /// (<see cref="IEnumerable{T}"/> of <see cref="WritePrediction"/>), write validations (of <see cref="ValidationPoint"/>),
    /// <see cref="Replay.Net.NetPrediction"/> and network validations (of <see cref="NetValidationPoint"/>). Idempotent.
    /// </summary>
    public static void Register()
    {
        Formatter.Register<LatencyDistribution>((d, w) => w.Write(KernelSimHtml.Distribution(d)), HtmlFormatter.MimeType);
        Formatter.Register<WritePrediction>((p, w) => w.Write(KernelSimHtml.Prediction(p)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<WritePrediction>>((s, w) => w.Write(KernelSimHtml.Sweep(s)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<ValidationPoint>>((s, w) => w.Write(KernelSimHtml.Validation(s)), HtmlFormatter.MimeType);
        Formatter.Register<NetPrediction>((p, w) => w.Write(KernelSimHtml.NetPrediction(p)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<NetValidationPoint>>((s, w) => w.Write(KernelSimHtml.NetValidation(s)), HtmlFormatter.MimeType);
        foreach (Type t in (Type[])[typeof(LatencyDistribution), typeof(WritePrediction), typeof(NetPrediction)])
        {
            Formatter.SetPreferredMimeTypesFor(t, HtmlFormatter.MimeType);
        }
    }
}
