//! The login history: one row per login that ended, and the same logins
//! counted per day and shape (`login_shapes`), which is what a replay reads.

use super::{Columns, DirectoryRow, FlowRow, Store, Tx, UserRow};

use authlevel_core::replay::{Ended, Replayed, Shape};
use authlevel_core::{Method, MethodSet, Signals};

/// A login that ended, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// When it ended.
    pub at: i64,
    /// Its directory.
    pub directory_id: String,
    /// Its user.
    pub user_id: String,
    /// The application's client id; empty when none asked.
    pub client_id: String,
    /// What replay scores: the methods in order, the enrolled ones, the
    /// level an application asked for, and how it ended.
    pub shape: Shape,
    /// The level it was held to.
    pub required: u32,
    /// The points it earned.
    pub earned: u32,
    /// What the staged policy would have done, when one was staged.
    pub staged: Option<Replayed>,
    /// The risk signals that raised its level.
    pub signals: Signals,
}

/// A day's logins of one shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeCount {
    /// The day, as days since 1970-01-01 (UTC).
    pub day: i64,
    /// The application; empty when none asked.
    pub client_id: String,
    /// The shape.
    pub shape: Shape,
    /// How many logins had it.
    pub logins: u64,
}

/// The day (days since 1970-01-01, UTC) of `at`.
pub fn day_of(at: i64) -> i64 {
    at.div_euclid(86_400)
}

/// The methods of `flow` in the order they were verified (a first step
/// before a second one verified in the same second).
pub fn verified_order(flow: &FlowRow) -> Vec<Method> {
    let mut order: Vec<(i64, bool, Method)> = flow
        .times
        .iter()
        .filter(|(m, _)| flow.verified.contains(*m))
        .map(|(m, at)| (at, !m.is_first_step(), m))
        .collect();
    order.sort_by_key(|(at, second, m)| (*at, *second, m.index()));
    let mut methods: Vec<Method> = order.into_iter().map(|(_, _, m)| m).collect();
    // A method verified without a time (none today) still counts, last.
    for m in flow.verified.iter() {
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    methods
}

impl HistoryRow {
    /// The history row of `flow` of `user` in `dir`, ended at `at`:
    /// complete, or else abandoned or blocked as the policy says.
    pub fn of(dir: &DirectoryRow, flow: &FlowRow, user: &UserRow, complete: bool, at: i64) -> Self {
        let mut shape = Shape {
            verified: verified_order(flow),
            enrolled: user.enrolled(),
            asked_level: flow.required_level,
            ended: Ended::Complete,
        };
        let policy = shape
            .held_to(&dir.policy)
            .with_signals_for(flow.signals, shape.enrolled);
        if !complete {
            shape.ended = Ended::unfinished(&policy, flow.verified, shape.enrolled);
        }
        HistoryRow {
            at,
            directory_id: dir.id.clone(),
            user_id: user.id.clone(),
            client_id: flow.client_id.clone().unwrap_or_default(),
            required: policy.required_level,
            earned: policy.score(flow.verified),
            signals: flow.signals,
            staged: dir
                .staged
                .as_ref()
                .map(|(p, _)| shape.replay(&dir.policy, p).0),
            shape,
        }
    }
}

impl Tx {
    /// Records a login that ended, in its history and its day's shape count.
    pub async fn record_login(&mut self, h: &HistoryRow) -> Result<(), sqlx::Error> {
        let verified = authlevel_core::replay::join(&h.shape.verified);
        let enrolled = i64::from(h.shape.enrolled.bits());
        let asked = h.shape.asked_level.map(i64::from);
        let ended = h.shape.ended.as_str();
        self.run(
            sqlx::query(
                "INSERT INTO login_history (at, directory_id, user_id, client_id, asked_level, \
                 verified, enrolled, required, earned, ended, staged, shape, signals) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(h.at)
            .bind(&h.directory_id)
            .bind(&h.user_id)
            .bind(&h.client_id)
            .bind(asked)
            .bind(verified.clone())
            .bind(enrolled)
            .bind(i64::from(h.required))
            .bind(i64::from(h.earned))
            .bind(ended)
            .bind(h.staged.map(Replayed::as_str))
            .bind(shape_key(&h.shape))
            .bind(i64::from(h.signals.bits())),
        )
        .await?;
        self.run(
            sqlx::query(
                "INSERT INTO login_shapes (directory_id, day, client_id, asked_level, verified, \
                 enrolled, ended, logins) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
                 ON CONFLICT (directory_id, day, client_id, asked_level, verified, enrolled, ended) \
                 DO UPDATE SET logins = login_shapes.logins + 1",
            )
            .bind(&h.directory_id)
            .bind(day_of(h.at))
            .bind(&h.client_id)
            .bind(asked.unwrap_or(0))
            .bind(verified)
            .bind(enrolled)
            .bind(ended),
        )
        .await
    }
}

fn shape_of(r: &impl Columns) -> Result<Shape, sqlx::Error> {
    let verified: String = r.col("verified")?;
    let enrolled: i64 = r.col("enrolled")?;
    let asked: i64 = r.col("asked_level")?;
    let ended: String = r.col("ended")?;
    Ok(Shape {
        verified: authlevel_core::replay::split(&verified),
        enrolled: MethodSet::from_bits(u8::try_from(enrolled & 0xff).unwrap_or(0)),
        asked_level: u32::try_from(asked).ok().filter(|l| *l > 0),
        ended: Ended::parse(&ended).unwrap_or(Ended::Abandoned),
    })
}

impl Store {
    /// The directory's logins per day and shape from day `from` on.
    pub async fn login_shapes(
        &self,
        directory_id: &str,
        from: i64,
    ) -> Result<Vec<ShapeCount>, sqlx::Error> {
        self.all(
            sqlx::query(
                "SELECT day, client_id, asked_level, verified, enrolled, ended, logins \
                 FROM login_shapes WHERE directory_id = $1 AND day >= $2",
            )
            .bind(directory_id)
            .bind(from),
            |r| {
                Ok(ShapeCount {
                    day: r.col("day")?,
                    client_id: r.col("client_id")?,
                    shape: shape_of(r)?,
                    logins: u64::try_from(r.col::<i64>("logins")?).unwrap_or(0),
                })
            },
        )
        .await
    }

    /// How many distinct users had a login since `since` of a shape (a
    /// [`shape_key`]) in each of `sets`: one pass over the window.
    pub async fn users_with_shapes<const N: usize>(
        &self,
        directory_id: &str,
        since: i64,
        sets: [&[String]; N],
    ) -> Result<[u64; N], sqlx::Error> {
        let mut next = 3;
        let columns: Vec<String> = sets
            .iter()
            .enumerate()
            .map(|(i, keys)| {
                let list = in_list(keys.len(), &mut next);
                format!("COUNT(DISTINCT CASE WHEN shape IN ({list}) THEN user_id END) AS n{i}")
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM login_history WHERE directory_id = $1 AND at >= $2",
            columns.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(directory_id).bind(since);
        for key in sets.iter().flat_map(|k| k.iter()) {
            q = q.bind(key.clone());
        }
        let row = q.fetch_one(self.pool()).await?;
        let mut counts = [0; N];
        for (i, c) in counts.iter_mut().enumerate() {
            let n: i64 = row.col(format!("n{i}").as_str())?;
            *c = u64::try_from(n).unwrap_or(0);
        }
        Ok(counts)
    }

    /// A page of the users with a login since `since` of one of the shapes
    /// `keys`, by id after `cursor`: (id, username or "", logins, last).
    pub async fn users_page_with_shapes(
        &self,
        directory_id: &str,
        since: i64,
        keys: &[String],
        cursor: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, i64, i64)>, sqlx::Error> {
        let mut next = 5;
        let sql = format!(
            "SELECT h.user_id AS id, COALESCE(u.username, '') AS username, COUNT(*) AS logins, \
             MAX(h.at) AS last_at FROM login_history h LEFT JOIN users u ON u.id = h.user_id \
             WHERE h.directory_id = $1 AND h.at >= $2 AND h.user_id > $3 AND h.shape IN ({}) \
             GROUP BY h.user_id, u.username ORDER BY h.user_id LIMIT $4",
            in_list(keys.len(), &mut next)
        );
        let mut q = sqlx::query(&sql)
            .bind(directory_id)
            .bind(since)
            .bind(cursor)
            .bind(limit);
        for key in keys {
            q = q.bind(key.clone());
        }
        self.all(q, |r| {
            Ok((
                r.col("id")?,
                r.col("username")?,
                r.col("logins")?,
                r.col("last_at")?,
            ))
        })
        .await
    }

    /// The outcomes of the directory's logins scored against the staged
    /// policy since `since`, and what it made of them: (ended, staged,
    /// logins).
    pub async fn staged_counts(
        &self,
        directory_id: &str,
        since: i64,
    ) -> Result<Vec<(Ended, Option<Replayed>, u64)>, sqlx::Error> {
        self.all(
            sqlx::query(
                "SELECT ended, staged, COUNT(*) AS n FROM login_history \
                 WHERE directory_id = $1 AND at >= $2 AND staged IS NOT NULL GROUP BY ended, staged",
            )
            .bind(directory_id)
            .bind(since),
            |r| {
                let ended: String = r.col("ended")?;
                let staged: Option<String> = r.col("staged")?;
                let n: i64 = r.col("n")?;
                Ok((
                    Ended::parse(&ended).unwrap_or(Ended::Abandoned),
                    staged.as_deref().and_then(Replayed::parse),
                    u64::try_from(n).unwrap_or(0),
                ))
            },
        )
        .await
    }

    /// Remembers the draft an administrator replayed last, for its users.
    pub async fn save_draft(
        &self,
        user_id: &str,
        directory_id: &str,
        policy: &str,
        since: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query(
                "INSERT INTO policy_drafts (user_id, directory_id, policy, since) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, directory_id) \
                 DO UPDATE SET policy = $3, since = $4",
            )
            .bind(user_id)
            .bind(directory_id)
            .bind(policy)
            .bind(since),
        )
        .await
    }

    /// The draft `user_id` replayed last in the directory, and its window.
    pub async fn draft(
        &self,
        user_id: &str,
        directory_id: &str,
    ) -> Result<Option<(String, i64)>, sqlx::Error> {
        self.one(
            sqlx::query(
                "SELECT policy, since FROM policy_drafts WHERE user_id = $1 AND directory_id = $2",
            )
            .bind(user_id)
            .bind(directory_id),
            |r| Ok((r.col("policy")?, r.col("since")?)),
        )
        .await
    }
}

/// `$n, $n+1, …` for `len` values from `*next` on (`NULL` for none, which
/// matches nothing); moves `*next` past them.
fn in_list(len: usize, next: &mut usize) -> String {
    if len == 0 {
        return "NULL".into();
    }
    let list = (*next..*next + len)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    *next += len;
    list
}

/// The key of a shape in `login_history.shape`.
pub fn shape_key(shape: &Shape) -> String {
    format!(
        "{}|{}|{}|{}",
        authlevel_core::replay::join(&shape.verified),
        shape.enrolled.bits(),
        shape.ended.as_str(),
        shape.asked_level.unwrap_or(0)
    )
}
