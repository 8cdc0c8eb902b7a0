"""Small statistics shared by the project's Python scripts (no numpy on the machines they run on)."""


def mean(values):
    return sum(values) / len(values)


def stdev(values):
    """Sample standard deviation; 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5


def ranks(values):
    """Ranks (0-based, ties averaged)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def pearson(a, b):
    ma, mb = mean(a), mean(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    var = (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5
    return cov / var if var > 0 else 0.0


def spearman(a, b):
    return pearson(ranks(a), ranks(b))
