/**
 * The built-in prompt set, written for this project: four short prompts for each kind of task
 * the paper measures (conversation, code, math, summarisation, question answering) plus stories.
 * Short on purpose: small models (the built-in n-gram pair, stories260K) have short contexts.
 */
import type { Prompt } from './prompt.js';

const BUILTIN: Readonly<Record<string, readonly string[]>> = {
  conversation: [
    'Hello! I just moved to a new city and I do not know anyone yet. What would you suggest I do this weekend?',
    'My friend says it is rude to answer the phone at dinner. What do you think about that?',
    'Can you help me write a short thank-you note to my neighbour, who watered my plants while I was away?',
    'I have an interview tomorrow morning and I feel nervous. Any advice for tonight?',
  ],
  code: [
    'Write a Python function that returns the n-th Fibonacci number.\n\ndef fibonacci(n):',
    'Explain what this JavaScript does: const total = items.reduce((sum, x) => sum + x.price, 0);',
    'Write a SQL query that lists every customer who placed more than three orders last year.',
    'def is_palindrome(text: str) -> bool:\n    """Return True if text reads the same forwards and backwards, ignoring case."""\n',
  ],
  math: [
    'A train leaves at 9:40 and arrives at 13:05. How many minutes is the trip? Think step by step.',
    'Sara buys 3 notebooks at 2 dollars each and a pen for 1 dollar. She pays with a 10 dollar bill. How much change does she get?',
    'What is the sum of the first twenty positive odd numbers? Explain your reasoning.',
    'A rectangle is twice as long as it is wide and its perimeter is 36 metres. What is its area?',
  ],
  summarisation: [
    'Summarise in one sentence: The city council met on Tuesday to discuss the new bridge. After three hours of debate, members voted to delay the project until a second study of its cost is finished next spring.',
    'Give a short summary of this note: The library will close early on Friday for repairs to the heating system. Books due that day may be returned on Monday without a fine.',
    'Summarise: Farmers in the valley had a dry summer, and many lost part of their crop. A late rain in September saved the apples, which are now selling at a good price in the town market.',
    'In two sentences, summarise the story of a boy who finds a lost dog, looks for its owner for a week, and is finally allowed to keep it.',
  ],
  qa: [
    'Question: What is the largest planet in our solar system?\nAnswer:',
    'Question: Who wrote the play Romeo and Juliet?\nAnswer:',
    'Question: Why does ice float on water?\nAnswer:',
    'Question: What is the capital city of Canada?\nAnswer:',
  ],
  story: [
    'Once upon a time, in a small village at the edge of a forest, there lived',
    'The old lighthouse keeper looked out at the storm and saw',
    'It was the first day of school, and the little girl held her mother\'s hand as',
    'Tom found a strange key in the garden. He',
  ],
};

/** Tasks whose built-in prompts are requests to an assistant (chat turns); code, qa and story prompts are text to continue. */
const CHAT_TASKS: ReadonlySet<string> = new Set(['conversation', 'math', 'summarisation']);

/** The built-in prompts, in a fixed order (task by task). */
export function builtinPrompts(): Prompt[] {
  return Object.entries(BUILTIN).flatMap(([task, texts]) =>
    texts.map((text, i): Prompt => ({ id: `${task}-${i + 1}`, task, text, source: 'builtin', ...(CHAT_TASKS.has(task) ? { chat: true as const } : {}) })),
  );
}
