"""Relevance cases for the four shared corpora in ``../shared/corpora/`` (notes by other people).

Written from the notes themselves before any ranking was tuned on these corpora, and not to be
edited to suit the engine. Targets name a file (relative to its corpus folder) and the lines
that answer, so they do not depend on chunking. The mix: questions, terms, acronyms, typos,
comparisons and cross-language queries (English over Spanish notes and the other way round).
"""

from __future__ import annotations

from pathlib import Path

from tests.relevance_cases import RelevanceCase, Target, _span

SHARED_CORPORA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def _c(
    category: str, query: str, note: str, *targets: tuple[str, tuple[int, ...]]
) -> RelevanceCase:
    return RelevanceCase(
        query=query,
        targets=tuple(Target(source, lines) for source, lines in targets),
        category=category,
        note=note,
    )


OBSIDIAN_CASES = (
    _c(
        "question_en",
        "what makes a matching stable?",
        "Algorithms.md Stable Matching definitions",
        ("Algorithms/Algorithms.md", _span(2, 14)),
    ),
    _c(
        "term",
        "Gale-Shapley algorithm",
        "Algorithms.md Gale-Shapley section",
        ("Algorithms/Algorithms.md", _span(32, 64)),
    ),
    _c(
        "question_en",
        "what are the three cases of the master theorem?",
        "Recurrence.md Master Theorem",
        ("Algorithms/Asymptotic analysis/Recurrence.md", _span(24, 46)),
    ),
    _c(
        "term",
        "karatsuba multiplication",
        "Long Binary Multiplication.md Karatsuba; Polynomial Multiplication Karatsuba",
        ("Algorithms/Divide-and-conquer/Long Binary Multiplication.md", _span(14, 52)),
        ("Algorithms/Divide-and-conquer/Polynomial Multiplication.md", _span(16, 30)),
    ),
    _c(
        "term",
        "red-black tree properties",
        "Data Structures.md Red-Black Tree",
        ("Algorithms/Data Structures.md", _span(67, 80)),
    ),
    _c(
        "question_en",
        "how does open addressing resolve hash collisions?",
        "Data Structures.md Open addressing",
        ("Algorithms/Data Structures.md", _span(108, 114)),
    ),
    _c(
        "question_en",
        "which shortest path algorithm handles negative edge weights?",
        "Bellman-Ford in Shortest Path Problem.md",
        ("Algorithms/Graphs/Shortest Path Problem.md", (7, *_span(78, 86))),
    ),
    _c(
        "term",
        "dijkstra priority queue",
        "Shortest Path Problem.md Dijkstra section",
        ("Algorithms/Graphs/Shortest Path Problem.md", _span(17, 40)),
    ),
    _c(
        "term",
        "augmenting path residual network",
        "Network Flow.md residual network / augmenting paths",
        ("Algorithms/Network Flow.md", _span(27, 34) + _span(56, 70)),
    ),
    _c(
        "term",
        "Menger's theorem",
        "Network Flow.md Menger",
        ("Algorithms/Network Flow.md", _span(145, 160)),
    ),
    _c(
        "question_en",
        "what does Amdahl's law say about speedup?",
        "Performance.md Speedup / Amdahl",
        ("Computer Organization/Performance.md", _span(148, 170)),
    ),
    _c(
        "question_en",
        "how is a load-use data hazard resolved?",
        "Pipelining.md Load-Use hazard + stalling",
        ("Computer Organization/Pipelining.md", _span(181, 217)),
    ),
    _c(
        "term",
        "forwarding bypassing",
        "Pipelining.md Forwarding",
        ("Computer Organization/Pipelining.md", _span(134, 180)),
    ),
    _c("acronym", "SLT", "ALU.md SLT section", ("Computer Organization/ALU.md", _span(45, 72))),
    _c(
        "question_en",
        "what is a direct-mapped cache?",
        "Cache Memory.md K=1",
        ("Computer Organization/Cache Memory.md", _span(22, 26)),
    ),
    _c(
        "question_en",
        "which MIPS registers are preserved on a call?",
        "MIPS.md register table",
        ("Computer Organization/MIPS.md", _span(14, 32)),
    ),
    _c(
        "term",
        "two's complement",
        "Signed numbers.md Two's complement",
        ("Computer Organization/Signed numbers.md", _span(28, 36)),
    ),
    _c(
        "acronym",
        "DFT",
        "Fast Fourier Transform.md DFT",
        ("Algorithms/Fast Fourier Transform.md", _span(1, 14)),
    ),
    _c(
        "acronym",
        "RREF",
        "Matrices.md Reduced Row Echelon form",
        ("Linear Algebra/Matrices.md", _span(39, 47)),
    ),
    _c(
        "term",
        "rank nullity theorem",
        "Matrices.md Nullity + rank-nullity",
        ("Linear Algebra/Matrices.md", _span(153, 160)),
    ),
    _c(
        "typo",
        "modus tolens",
        "Rules of Inferences.md Modus Tollens",
        ("Logic/Propositional Logic/Rules of Inferences.md", _span(30, 34)),
    ),
    _c(
        "typo",
        "de morgans law",
        "Rules of Replacement.md De Morgan",
        ("Logic/Propositional Logic/Rules of Replacement.md", _span(13, 15)),
    ),
    _c(
        "typo",
        "huffman code",
        "file name Huffmn Code.md (misspelt in the notes)",
        ("Algorithms/Graphs/Huffmn Code.md", _span(1, 6)),
    ),
    _c(
        "question_en",
        "how do you test whether a graph is bipartite?",
        "Bipartiteness.md",
        ("Algorithms/Graphs/Bipartiteness.md", _span(1, 10)),
    ),
    _c(
        "comparison",
        "0-1 knapsack vs unbounded knapsack",
        "Knapsack Problem.md variants",
        ("Algorithms/Dynamic Programmimg/Knapsack Problem.md", _span(11, 13)),
    ),
    _c(
        "comparison",
        "big O vs little o",
        "Asymptotic notation.md bounds",
        ("Algorithms/Asymptotic analysis/Asymptotic notation.md", _span(1, 12)),
    ),
    _c(
        "term",
        "strong homomorphism",
        "Homomorphism.md",
        ("Logic/Predicate Logic/Homomorphism.md", _span(7, 18)),
    ),
    _c(
        "term",
        "kernel of a linear transformation",
        "Linear Transformations.md Kernel",
        ("Linear Algebra/Linear Transformations.md", _span(76, 80)),
    ),
    _c(
        "cross_lang",
        "¿qué es la ley de Amdahl?",
        "EN only: Performance.md Amdahl's Law",
        ("Computer Organization/Performance.md", _span(156, 170)),
    ),
    _c(
        "cross_lang",
        "árbol rojo-negro",
        "EN only: Data Structures.md Red-Black Tree",
        ("Algorithms/Data Structures.md", _span(67, 80)),
    ),
    _c(
        "cross_lang",
        "algoritmo de Dijkstra",
        "EN only: Shortest Path Problem.md Dijkstra",
        ("Algorithms/Graphs/Shortest Path Problem.md", _span(17, 40)),
    ),
    _c(
        "cross_lang",
        "base ortonormal",
        "EN only: Orthogonality.md orthonormal set/basis",
        ("Linear Algebra/Orthogonality.md", _span(32, 44)),
    ),
)


def _z(note_id: str, lines: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    return (f"{note_id}/README.md", lines)


ZETTEL_CASES = (
    _c(
        "comparison",
        "difference between .bashrc and .profile",
        "bashrc vs profile note",
        _z("202109270322", _span(3, 14)),
    ),
    _c(
        "question_en",
        "which file is executed for login shells?",
        ".profile section",
        _z("202109270322", _span(9, 14)),
    ),
    _c(
        "comparison",
        "hard link vs symbolic link",
        "Exploring Links (ln) in Linux",
        _z("202110050353", _span(6, 28)),
    ),
    _c(
        "question_en",
        "how do I redirect stderr to a file?",
        "Redirecting Stdout and Stderr",
        _z("202110050602", _span(23, 40)),
    ),
    _c(
        "term",
        "chmod permissions",
        "Changing File Permissions tables",
        _z("202110052020", _span(1, 21)),
    ),
    _c(
        "question_en",
        "how do I add a user to a group?",
        "Create and Manage Users: usermod -a -G",
        _z("202110051756", (19,)),
    ),
    _c("term", "goroutine", "Concurrency in Go: Goroutine", _z("202110150141", _span(4, 14))),
    _c(
        "question_en",
        "when does a send on a buffered channel block?",
        "buffered channel rules",
        _z("202110150141", _span(64, 74)),
    ),
    _c(
        "comparison",
        "containers vs virtual machines",
        "What's a Container: Containers vs VMs",
        _z("202110010028", _span(24, 40)),
    ),
    _c(
        "question_en",
        "how do I detach from a running docker container?",
        "Basic Docker Commands: Ctrl+pq",
        _z("202110012243", _span(15, 20)),
    ),
    _c(
        "term",
        "docker commands pull run ps",
        "Basic Docker Commands table",
        _z("202110012243", _span(3, 13)),
    ),
    _c(
        "term",
        "newton raphson square root",
        "Newton-Raphson note",
        _z("202110090311", _span(11, 30)),
    ),
    _c(
        "typo",
        "insertoin sort complexity",
        "Insertion Sort Algorithm",
        _z("202110130353", _span(1, 11)),
    ),
    _c(
        "question_en",
        "does recursion use stack space?",
        "Big O: Space Complexity",
        _z("202201310441", _span(1, 15)),
    ),
    _c(
        "question_en",
        "why is binary search O(log n)?",
        "Big O Common Runtimes: O(Log N)",
        _z("202201310501", _span(3, 20)),
    ),
    _c(
        "comparison",
        "async await vs then",
        "Async/Await vs Promise.prototype.then()",
        _z("202201211605", _span(1, 12)),
    ),
    _c("term", "four pillars of OOP", "Java: 4 Pillars of OOP", _z("202112080626", _span(1, 24))),
    _c(
        "question_en",
        "can a static method change non-static state?",
        "Java static methods note",
        _z("202112081910", _span(1, 6)),
    ),
    _c("term", "bitwise clear operator", "Bitwise Operators &^", _z("202110071918", _span(7, 15))),
    _c("acronym", "ANSI escape codes", "ANSI Escapes and Colors", _z("202111011559", _span(1, 14))),
    _c("acronym", "HTTP", "Clients, Servers: HTTP section", _z("202110200109", _span(26, 32))),
    _c(
        "question_en",
        "how do I write an ISO image to a USB drive?",
        "Writing ISO Images to USB",
        _z("202303112201", _span(1, 20)),
    ),
    _c(
        "question_en",
        "how do I decrypt a message with gpg?",
        "PGP Basics",
        _z("202311130406", _span(10, 15)),
    ),
    _c(
        "term",
        "intention revealing names",
        "Clean Code: Naming Things",
        _z("202305210612", _span(3, 10)),
    ),
    _c(
        "question_en",
        "how much memory does a process use?",
        "Linux: File Descriptors, Memory: pmap",
        _z("202205270541", (8, 19)),
    ),
    _c(
        "typo", "kubernets cluster", "What's a Kubernetes Cluster", _z("202110010219", _span(1, 10))
    ),
    _c(
        "cross_lang",
        "¿qué es un contenedor?",
        "EN only: What's a Container?",
        _z("202110010028", _span(4, 21)),
    ),
    _c(
        "cross_lang",
        "permisos de archivos en linux",
        "EN only: Changing File Permissions",
        _z("202110052020", _span(1, 21)),
    ),
    _c(
        "cross_lang",
        "complejidad espacial",
        "EN only: Big O Notation: Space Complexity",
        _z("202201310441", _span(1, 15)),
    ),
    _c(
        "cross_lang",
        "ordenamiento de burbuja",
        "EN only: Bubble Sort Algorithm",
        _z("202110130301", _span(1, 20)),
    ),
)


def _v(name: str, lines: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    return (f"vault/{name}.md", lines)


APUNTES_CASES = (
    _c(
        "question_es",
        "¿qué es un cluster?",
        "cluster: conjunto de nodos",
        _v("1716491727-cluster", _span(9, 10)),
    ),
    _c(
        "question_es",
        "¿cuáles son los tipos de cluster?",
        "cluster: Tipos de cluster",
        _v("1716491727-cluster", _span(17, 21)),
    ),
    _c(
        "acronym",
        "SLA",
        "Service Level Agreement (SLA) note",
        _v("1716491727-service-level-agreement-sla", _span(9, 17)),
    ),
    _c(
        "acronym",
        "RPC",
        "RPC note: llamadas a procedimiento remoto",
        _v("1716491727-rpc", _span(9, 15)),
    ),
    _c("acronym", "VMM", "Hipervisor (VMM)", _v("1716491727-hipervisor-vmm", _span(9, 15))),
    _c(
        "question_es",
        "¿qué tipos de hipervisor hay?",
        "Hipervisor: bare metal / hosted",
        _v("1716491727-hipervisor-vmm", _span(12, 15)),
    ),
    _c(
        "question_es",
        "¿para qué sirve el sticky bit?",
        "Sticky Bit note",
        _v("1716491727-sticky-bit", _span(9, 26)),
    ),
    _c(
        "question_es",
        "¿cómo se añade el permiso suid?",
        "permisos SUID: chmod 4755 / u+s",
        _v("1716491727-permisos-suid", _span(9, 18)),
    ),
    _c(
        "term",
        "estructura de un archivo crontab",
        "Tareas Cron: Estructura",
        _v("1707310892-tareas-cron", _span(15, 27)),
    ),
    _c(
        "term",
        "algoritmo de kruskal",
        "Algoritmo de Krusal (spelt without the k in the notes)",
        _v("1708597493-algoritmo-de-krusal", _span(10, 21)),
    ),
    _c(
        "typo",
        "algoritmo de prin",
        "Algoritmo de Prim",
        _v("1708597982-algoritmo-de-prim", _span(8, 21)),
    ),
    _c(
        "question_es",
        "¿cómo se calcula la mediana en variable continua?",
        "Mediana: variable continua",
        _v("1716491727-mediana", _span(15, 19)),
    ),
    _c(
        "question_es",
        "¿qué indica una covarianza negativa?",
        "Covarianza: dependencia inversa",
        _v("1716491727-covarianza", _span(16, 21)),
    ),
    _c(
        "term",
        "coeficiente de correlación de pearson",
        "Coeficiente de relación de Pearson",
        _v("1716491727-coeficiente-de-relacin-de-pearson", _span(10, 19)),
    ),
    _c(
        "term",
        "teorema de rouché frobenius",
        "Teorema de Rouché-Fröbenius",
        _v("1709028207-teorema-de-rouch-frbenius", _span(9, 15)),
    ),
    _c(
        "typo", "regla de kramer", "Regla de Cramer", _v("1709029052-regla-de-cramer", _span(9, 13))
    ),
    _c(
        "question_es",
        "¿qué dice el pequeño teorema de fermat?",
        "Pequeño teorema de Fermat: enunciado",
        _v("1716390499-pequeo-teorema-de-fermat", _span(9, 17)),
    ),
    _c(
        "term",
        "identidad de bezout",
        "Identidad de Bezout",
        _v("1716393883-identidad-de-bezout", _span(9, 13)),
    ),
    _c(
        "acronym",
        "DFS",
        "Depth First Search (alias DFS)",
        _v("1708533902-depth-first-search", _span(11, 21)),
    ),
    _c("acronym", "IaaS", "IaaS note", _v("1716491727-iaas", _span(9, 15))),
    _c(
        "question_es",
        "¿cuándo un grafo es plano?",
        "Teorema de Kuratowski; Grafo plano",
        _v("1707391702-teorema-de-kuratowski", (11,)),
        _v("1706978566-grafo-plano", _span(1, 12)),
    ),
    _c(
        "comparison",
        "llamada bloqueante vs no bloqueante",
        "Llamada no bloqueante compares both",
        _v("1716491727-llamada-no-bloqueante", _span(9, 14)),
        _v("1716491727-llamada-bloqueante", _span(1, 9)),
    ),
    _c(
        "comparison",
        "diferencia entre moda y mediana",
        "Moda and Mediana notes",
        _v("1716491727-moda", _span(9, 14)),
        _v("1716491727-mediana", _span(9, 20)),
    ),
    _c(
        "question_es",
        "¿qué es un pod en kubernetes?",
        "Pod note",
        _v("1716491727-pod", _span(9, 12)),
    ),
    _c(
        "term",
        "probabilidad condicionada",
        "Probabilidad condicionada",
        _v("1716491727-probabilidad-condicionada", _span(9, 20)),
    ),
    _c(
        "term",
        "monoide elemento neutro",
        "Monoide definition",
        _v("1726998044-monoide", _span(10, 15)),
    ),
    _c(
        "cross_lang",
        "what is a sticky bit?",
        "ES only: Sticky Bit note",
        _v("1716491727-sticky-bit", _span(9, 26)),
    ),
    _c(
        "cross_lang",
        "covariance formula",
        "ES only: Covarianza",
        _v("1716491727-covarianza", _span(9, 14)),
    ),
    _c(
        "cross_lang",
        "Fermat's little theorem",
        "ES only: Pequeño teorema de Fermat",
        _v("1716390499-pequeo-teorema-de-fermat", _span(9, 17)),
    ),
    _c(
        "cross_lang",
        "standard deviation",
        "ES only: Desviación típica",
        _v("1716491727-desviacin-tpica", _span(9, 12)),
    ),
    _c(
        "cross_lang",
        "types of hypervisor",
        "ES only: Hipervisor (VMM) Tipos",
        _v("1716491727-hipervisor-vmm", _span(9, 15)),
    ),
    _c(
        "cross_lang",
        "conditional probability",
        "ES only: Probabilidad condicionada",
        _v("1716491727-probabilidad-condicionada", _span(9, 20)),
    ),
    _c(
        "cross_lang",
        "pre-copy process migration",
        "ES only: Migración precopia",
        _v("1716491727-migracin-precopia", _span(9, 12)),
    ),
)


def _s(name: str, lines: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    return (f"simulation/{name}.md", lines)


OMSCS_CASES = (
    _c(
        "acronym",
        "LCG",
        "Linear Congruential Generator lesson",
        _s("generating-uniform-random-numbers", _span(71, 80)),
    ),
    _c(
        "question_en",
        "when does a multiplicative generator have full period?",
        "full period conditions",
        _s("generating-uniform-random-numbers", _span(393, 400)),
    ),
    _c(
        "term",
        "tausworthe generator",
        "Tausworthe Generators lesson",
        _s("generating-uniform-random-numbers", _span(191, 200)),
    ),
    _c(
        "question_en",
        "how does the Box-Muller method generate normal random variables?",
        "Box-Muller lesson",
        _s("random-variate-generation-cont", _span(130, 140)),
    ),
    _c(
        "term",
        "acceptance-rejection method",
        "Acceptance-Rejection Method lesson",
        _s("random-variate-generation", _span(726, 740)),
    ),
    _c(
        "question_en",
        "what does the inverse transform method state?",
        "Inverse Transform Method",
        _s("random-variate-generation", _span(10, 18)),
    ),
    _c(
        "term",
        "common random numbers variance reduction",
        "Common Random Numbers lesson",
        _s("comparing-systems", _span(348, 356)),
    ),
    _c(
        "term",
        "antithetic random numbers",
        "Antithetic Random Numbers lesson",
        _s("comparing-systems", _span(428, 436)),
    ),
    _c(
        "term",
        "control variates",
        "Control Variates lesson",
        _s("comparing-systems", _span(508, 516)),
    ),
    _c(
        "question_en",
        "how does the method of batch means estimate the variance?",
        "Method of Batch Means",
        _s("output-data-analysis", _span(676, 700)),
    ),
    _c(
        "question_en",
        "what is initialization bias and how do we deal with it?",
        "Simulation Initialization Issues",
        _s("output-data-analysis", _span(574, 596)),
    ),
    _c(
        "term",
        "chi-squared goodness of fit test",
        "input analysis g-o-f test statistic",
        _s("input-analysis", _span(894, 930)),
    ),
    _c(
        "typo",
        "kolmogorov smirnof test",
        "Kolmogorov-Smirnov Goodness-of-Fit Test",
        _s("input-analysis", _span(1322, 1332)),
    ),
    _c("term", "method of moments", "The Method of Moments", _s("input-analysis", _span(764, 775))),
    _c(
        "acronym",
        "MSE",
        "Mean Squared Error lesson",
        _s("input-analysis", (*_span(236, 240), *_span(352, 360))),
    ),
    _c(
        "acronym",
        "MLE",
        "Maximum Likelihood Estimation lessons",
        _s("input-analysis", _span(408, 420)),
        _s("calculus-probability-statistics-primers-cont", _span(1631, 1640)),
    ),
    _c(
        "question_en",
        "what does the central limit theorem say?",
        "Limit Theorems: CLT",
        _s("calculus-probability-statistics-primers-cont", _span(1237, 1260)),
    ),
    _c(
        "comparison",
        "fixed-increment vs next-event time advance",
        "Time-Advance Mechanisms",
        _s("general-simulation-principles", _span(118, 136)),
    ),
    _c(
        "question_en",
        "how can random numbers be used to compute an integral?",
        "Monte Carlo Integration",
        _s("hand-spreadsheet-simulations", _span(117, 140)),
    ),
    _c(
        "term",
        "memoryless property exponential",
        "exponential memoryless property",
        _s("calculus-probability-statistics-primers-cont", _span(1065, 1069)),
    ),
    _c(
        "acronym",
        "NHPP",
        "Nonhomogeneous Poisson Processes",
        _s("random-variate-generation-cont", _span(664, 670)),
    ),
    _c(
        "term",
        "thinning algorithm",
        "NHPP thinning algorithm",
        _s("random-variate-generation-cont", _span(713, 722)),
    ),
    _c(
        "typo",
        "brownian moton",
        "Brownian Motion lesson",
        _s("random-variate-generation-cont", _span(1027, 1035)),
    ),
    _c(
        "term",
        "(s, S) inventory policy",
        "An (s, S) Inventory System",
        _s("hand-spreadsheet-simulations", _span(483, 492)),
    ),
    _c(
        "question_en",
        "how do we select the Bernoulli population with the largest success probability?",
        "Bernoulli Probability Selection",
        _s("comparing-systems-cont", _span(198, 210)),
    ),
    _c(
        "comparison",
        "paired confidence interval vs two-sample confidence interval",
        "Paired CI / CI for the difference in two means",
        _s("comparing-systems", _span(112, 120) + _span(190, 200)),
    ),
    _c(
        "cross_lang",
        "método de la transformada inversa",
        "EN only: Inverse Transform Method",
        _s("random-variate-generation", _span(10, 18)),
    ),
    _c(
        "cross_lang",
        "teorema central del límite",
        "EN only: Central Limit Theorem",
        _s("calculus-probability-statistics-primers-cont", _span(1237, 1260)),
    ),
    _c(
        "cross_lang",
        "generador congruencial lineal",
        "EN only: Linear Congruential Generator",
        _s("generating-uniform-random-numbers", _span(71, 80)),
    ),
    _c(
        "cross_lang",
        "integración de Monte Carlo",
        "EN only: Monte Carlo Integration",
        _s("hand-spreadsheet-simulations", _span(117, 140)),
    ),
)

# corpus name → (its folder, its cases); the folder names are those in SOURCES.md
SHARED_CASES: dict[str, tuple[Path, tuple[RelevanceCase, ...]]] = {
    "obsidian-adielbm": (SHARED_CORPORA_DIR / "obsidian-adielbm", OBSIDIAN_CASES),
    "zettel-tech-notes": (SHARED_CORPORA_DIR / "zettel-tech-notes", ZETTEL_CASES),
    "apuntes-mais": (SHARED_CORPORA_DIR / "apuntes-mais", APUNTES_CASES),
    "omscs-simulation": (SHARED_CORPORA_DIR / "omscs-simulation", OMSCS_CASES),
}
