using Mono.Cecil;

namespace Onboarding.Tests.Architecture;

/// <summary>
/// Which folders of an assembly use which, read from the compiled code: every type a type names in
/// its signatures, attributes and method bodies (lambdas and async state machines count for the type
/// that declares them). A folder is the namespace segment after the assembly's root namespace.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);

    /// <summary>For each edge "From → To", the uses that make it ("A uses B"), so a failure names the code.</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Witnesses => _witnesses;

    private readonly Dictionary<(string, string), SortedSet<string>> _witnesses = new();

    public IReadOnlyCollection<string> Folders => _edges.Keys;

    public IEnumerable<string> Uses(string folder) =>
        _edges.TryGetValue(folder, out var to) ? to.Order(StringComparer.Ordinal) : [];

    public static NamespaceGraph Read(string assemblyPath, string rootNamespace)
    {
        var graph = new NamespaceGraph();
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var from = FolderOf(type, rootNamespace);
            if (from is null)
            {
                continue;
            }

            graph._edges.TryAdd(from, new HashSet<string>(StringComparer.Ordinal));
            foreach (var used in TypesUsedBy(type))
            {
                var to = FolderOf(used, rootNamespace);
                if (to is null || to == from)
                {
                    continue;
                }

                graph._edges[from].Add(to);
                if (!graph._witnesses.TryGetValue((from, to), out var uses))
                {
                    graph._witnesses[(from, to)] = uses = new SortedSet<string>(StringComparer.Ordinal);
                }

                uses.Add($"{Outermost(type).Name} uses {Outermost(used).Name}");
            }
        }

        return graph;
    }

    /// <summary>The cycles between folders, each once, as "A → B → A".</summary>
    public IReadOnlyList<string> Cycles()
    {
        // Tarjan's strongly connected components: every component of more than one folder is a knot.
        var index = 0;
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var knots = new List<string>();

        void Visit(string v)
        {
            indices[v] = low[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Uses(v).Where(_edges.ContainsKey))
            {
                if (!indices.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w) && indices.TryGetValue(w, out var wIndex))
                {
                    low[v] = Math.Min(low[v], wIndex);
                }
            }

            if (low[v] != indices[v])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != v);

            if (component.Count > 1)
            {
                knots.Add(string.Join(", ", component.Order(StringComparer.Ordinal)));
            }
        }

        foreach (var folder in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!indices.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return knots;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static string? FolderOf(TypeReference type, string root)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        var ns = type.Namespace;
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static List<TypeReference> TypesUsedBy(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments)
                    {
                        Add(a);
                    }

                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                case GenericParameter:
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }

        void AddAttributes(ICustomAttributeProvider provider)
        {
            foreach (var a in provider.CustomAttributes)
            {
                Add(a.AttributeType);
            }
        }

        Add(type.BaseType);
        AddAttributes(type);
        foreach (var i in type.Interfaces)
        {
            Add(i.InterfaceType);
        }

        foreach (var f in type.Fields)
        {
            Add(f.FieldType);
            AddAttributes(f);
        }

        foreach (var p in type.Properties)
        {
            Add(p.PropertyType);
            AddAttributes(p);
        }

        foreach (var m in type.Methods)
        {
            AddAttributes(m);
            Add(m.ReturnType);
            foreach (var p in m.Parameters)
            {
                Add(p.ParameterType);
                AddAttributes(p);
            }

            if (!m.HasBody)
            {
                continue;
            }

            foreach (var v in m.Body.Variables)
            {
                Add(v.VariableType);
            }

            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference mr:
                        Add(mr.DeclaringType);
                        Add(mr.ReturnType);
                        foreach (var p in mr.Parameters)
                        {
                            Add(p.ParameterType);
                        }

                        if (mr is GenericInstanceMethod gm)
                        {
                            foreach (var a in gm.GenericArguments)
                            {
                                Add(a);
                            }
                        }

                        break;
                    case FieldReference fr:
                        Add(fr.DeclaringType);
                        Add(fr.FieldType);
                        break;
                }
            }
        }

        return found;
    }
}
