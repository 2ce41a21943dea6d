package io.kiln.train;

import io.kiln.core.InvalidArgumentException;

/** A training set and a held-out test set with the same features and classes. */
public record DataSplit(String name, Dataset train, Dataset test, String description) {
    public DataSplit {
        if (train.features() != test.features() || train.classes() != test.classes()) {
            throw new InvalidArgumentException("DataSplit " + name + ": train " + train + " and test " + test
                    + " disagree on features or classes");
        }
    }

    /** The same split with at most {@code trainRows} / {@code testRows} rows (0 or less keeps all). */
    public DataSplit limit(int trainRows, int testRows) {
        Dataset tr = trainRows > 0 ? train.head(trainRows) : train;
        Dataset te = testRows > 0 ? test.head(testRows) : test;
        return new DataSplit(name, tr, te, description);
    }
}
