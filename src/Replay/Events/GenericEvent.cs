using System.Text;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// Any event without a typed record (or whose payload a typed decoder could not read): kept with its
/// name, its key/value fields as printed, and the payload text itself, so nothing is lost.
/// </summary>
/// <param name="Header">Context columns.</param>
/// <param name="FullName">"subsystem:event" (bare name if the subsystem is unknown).</param>
/// <param name="Fields">key/value pairs found in the payload, in order.</param>
/// <param name="Payload">The payload text as printed.</param>
public sealed record GenericEvent(
    EventHeader Header,
    string FullName,
    IReadOnlyList<KeyValuePair<string, string>> Fields,
    string Payload) : ITraceEvent
{
    /// <summary>Keeps any raw event generically.</summary>
    public static GenericEvent From(in RawEvent e) =>
        new(EventHeader.From(e), e.FullName, new PayloadReader(e.Payload).ToFields(), Encoding.UTF8.GetString(e.Payload));

    /// <summary>The value of field <paramref name="key"/>, or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (KeyValuePair<string, string> kv in Fields)
            {
                if (kv.Key == key)
                {
                    return kv.Value;
                }
            }

            return null;
        }
    }
}
